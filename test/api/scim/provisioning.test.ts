import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cred from '../../../generated/credentials/sdk.gen.js';
import * as platform from '../../../generated/platform/sdk.gen.js';
import * as sa from '../../../generated/simple-auth/sdk.gen.js';
import * as scim from '../../../generated/scim/sdk.gen.js';
import { credentialsCaller } from '../../support/credentials.js';
import { DATABASES } from '../../support/databases.js';
import { rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { platformCaller } from '../../support/platform.js';
import { scimCaller, scimToken } from '../../support/scim.js';
import { must, simpleAuthCaller } from '../../support/simple-auth.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/**
 * The request sequences Okta and Microsoft Entra ID send when they provision and deprovision, as
 * their SCIM 2.0 integration guides document them, through the generated SDK (every response is
 * checked against the contract). Usernames are e-mail addresses, as both send by default; the
 * operator allows them with GATEHOUSE_USERNAME_REGEX.
 */
describe.each(DATABASES)('SCIM provisioning on %s', (kind) => {
  let gh: TestGatehouse;
  let token: string;
  let client: ReturnType<typeof scimCaller>;

  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { accounts: { usernameRegex: '^[a-z0-9][a-z0-9._@+-]+$', usernameMaxLength: 64 }, server: { publicUrl: 'https://id.example.com' } } });
    token = await scimToken(gh, { bootstrap: true });
    client = scimCaller(gh, token);
  });
  afterAll(async () => gh?.stop());

  const accountOf = async (username: string) => (await rows(gh.runtime.db, 'accounts', { username }))[0];

  it('Okta: looks the user up, creates it, finds it, deprovisions it with a no-path replace', async () => {
    const lookup = must(await scim.listScimUsers({ client, query: { filter: 'userName eq "okta.user@example.com"', startIndex: 1, count: 100 } }));
    expect(lookup.response.status).toBe(200);
    expect(lookup.response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(lookup.data).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });

    const created = must(
      await scim.createScimUser({
        client,
        body: {
          schemas: [USER],
          userName: 'Okta.User@example.com',
          name: { givenName: 'Okta', familyName: 'User' },
          emails: [{ primary: true, value: 'okta.user@example.com', type: 'work' }],
          displayName: 'Okta User',
          locale: 'en-US',
          externalId: '00u1abcd2EFGH3ijk4x7',
          groups: [],
          password: 'a-long-provisioned-password',
          active: true,
        } as Parameters<typeof scim.createScimUser>[0]['body'],
      }),
    );
    expect(created.response.status).toBe(201);
    const user = created.data!;
    expect(user).toMatchObject({ schemas: [USER], userName: 'okta.user@example.com', displayName: 'Okta User', externalId: '00u1abcd2EFGH3ijk4x7', active: true, name: { givenName: 'Okta', familyName: 'User', formatted: 'Okta User' }, emails: [{ value: 'okta.user@example.com', primary: true }], groups: [] });
    expect(created.response.headers.get('location')).toBe(`https://id.example.com/scim/v2/Users/${user.id}`);
    expect(user.meta.location).toBe(created.response.headers.get('location'));
    expect(JSON.stringify(user)).not.toContain('password');
    const row = await accountOf('okta.user@example.com');
    expect(row).toMatchObject({ uuid: user.id, email: 'okta.user@example.com', external_id: '00u1abcd2EFGH3ijk4x7', given_name: 'Okta', family_name: 'User' });
    expect(String(row!.password_hash)).toMatch(/^\$2[aby]\$/);

    // the provisioned password signs in (platform local login)
    const login = must(await platform.localLogin({ client: platformCaller(gh).client, body: { username: 'okta.user@example.com', password: 'a-long-provisioned-password' } }));
    expect(login.response.status).toBe(201);

    const found = must(await scim.listScimUsers({ client, query: { filter: 'userName eq "OKTA.USER@example.com"' } }));
    expect(found.data).toMatchObject({ totalResults: 1, Resources: [{ id: user.id }] });

    const deactivated = must(await scim.patchScimUser({ client, path: { id: user.id }, body: { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] } }));
    expect(deactivated.response.status).toBe(200);
    expect(deactivated.data).toMatchObject({ id: user.id, active: false, userName: 'okta.user@example.com' });
    expect((await accountOf('okta.user@example.com'))!.active).toBeFalsy();
    // the token issued before deprovisioning is dead
    const bearer = credentialsCaller(gh, { bearer: login.data!.token });
    expect(must(await cred.listApiCredentials({ client: bearer, path: { namespace: 'system' } })).response.status).toBe(401);

    // Okta reactivates with the same replace
    const reactivated = must(await scim.patchScimUser({ client, path: { id: user.id }, body: { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: true } }] } }));
    expect(reactivated.data).toMatchObject({ active: true });
  });

  it('Entra ID: creates with the enterprise extension, patches with Replace/Add and string booleans, deprovisions', async () => {
    const lookup = must(await scim.listScimUsers({ client, query: { filter: 'userName eq "entra.user@contoso.com"' } }));
    expect(lookup.data!.totalResults).toBe(0);
    const created = must(
      await scim.createScimUser({
        client,
        body: {
          schemas: [USER, ENTERPRISE],
          externalId: 'e1f2a3b4-0000-4c5d-8e9f-abcdefabcdef',
          userName: 'entra.user@contoso.com',
          active: true,
          displayName: 'Entra User',
          emails: [{ primary: true, type: 'work', value: 'entra.user@contoso.com' }],
          meta: { resourceType: 'User' },
          name: { formatted: 'Entra User', familyName: 'User', givenName: 'Entra' },
          [ENTERPRISE]: { department: 'Finance', employeeNumber: '4711' },
        } as Parameters<typeof scim.createScimUser>[0]['body'],
      }),
    );
    expect(created.response.status).toBe(201);
    const id = created.data!.id;
    expect((await accountOf('entra.user@contoso.com'))!.password_hash).toBeNull();

    const byExternalId = must(await scim.listScimUsers({ client, query: { filter: 'externalId eq "e1f2a3b4-0000-4c5d-8e9f-abcdefabcdef"' } }));
    expect(byExternalId.data).toMatchObject({ totalResults: 1, Resources: [{ id }] });
    // externalId is case-exact (RFC 7643 §3.1)
    expect(must(await scim.listScimUsers({ client, query: { filter: 'externalId eq "E1F2A3B4-0000-4C5D-8E9F-ABCDEFABCDEF"' } })).data!.totalResults).toBe(0);

    const patched = must(
      await scim.patchScimUser({
        client,
        path: { id },
        body: {
          schemas: [PATCH],
          Operations: [
            { op: 'Replace', path: 'displayName', value: 'Entra R. User' },
            { op: 'Replace', path: 'emails[type eq "work"].value', value: 'entra.renamed@contoso.com' },
            { op: 'Replace', path: 'name.givenName', value: 'Entrada' },
            { op: 'Add', path: `${ENTERPRISE}:department`, value: 'Sales' },
          ],
        },
      }),
    );
    expect(patched.response.status).toBe(200);
    expect(patched.data).toMatchObject({ displayName: 'Entra R. User', emails: [{ value: 'entra.renamed@contoso.com' }], name: { givenName: 'Entrada', familyName: 'User' } });
    expect(await accountOf('entra.user@contoso.com')).toMatchObject({ email: 'entra.renamed@contoso.com', display_name: 'Entra R. User', given_name: 'Entrada' });

    const off = must(await scim.patchScimUser({ client, path: { id }, body: { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] } }));
    expect(off.data).toMatchObject({ active: false });
    const bad = must(await scim.patchScimUser({ client, path: { id }, body: { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'maybe' }] } }));
    expect(bad.response.status).toBe(400);
    expect(bad.error).toMatchObject({ status: '400', scimType: 'invalidValue' });
  });

  it('deprovisioning ends every session, token and API token of the account at once; DELETE removes it', async () => {
    const created = must(await scim.createScimUser({ client, body: { schemas: [USER], userName: 'leaver@example.com', emails: [{ value: 'leaver@example.com' }], password: 'leaver-password-123' } }));
    const id = created.data!.id;
    // a simple-auth cookie session, a platform bearer token, and an API token made with it
    const browser = await simpleAuthCaller(gh);
    expect(must(await sa.createSession({ client: browser.client, body: { username: 'leaver@example.com', password: 'leaver-password-123' } })).response.status).toBe(200);
    expect(must(await sa.getAccount({ client: browser.client })).response.status).toBe(200);
    const bearer = must(await platform.localLogin({ client: platformCaller(gh).client, body: { username: 'leaver@example.com', password: 'leaver-password-123' } })).data!.token;
    const minted = must(await cred.createApiCredential({ client: credentialsCaller(gh, { bearer }), path: { namespace: 'system' }, body: { name: 'leaver-token', namespace: 'system', expiration_days: 2, spec: { type: 'API_TOKEN' } } }));
    const apiToken = minted.data!.data;
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(gh, { apiToken }), path: { namespace: 'system' } })).response.status).toBe(200);

    must(await scim.replaceScimUser({ client, path: { id }, body: { schemas: [USER], userName: 'leaver@example.com', emails: [{ value: 'leaver@example.com' }], active: false } }));
    expect(must(await sa.getAccount({ client: browser.client })).response.status).toBe(401);
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(gh, { bearer }), path: { namespace: 'system' } })).response.status).toBe(401);
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(gh, { apiToken }), path: { namespace: 'system' } })).response.status).toBe(401);
    const account = await accountOf('leaver@example.com');
    expect(await rows(gh.runtime.db, 'sessions', { account_id: account!.id, revoked_at: null })).toEqual([]);
    // and a sign-in is refused while inactive
    expect(must(await platform.localLogin({ client: platformCaller(gh).client, body: { username: 'leaver@example.com', password: 'leaver-password-123' } })).response.status).toBe(403);

    const deleted = must(await scim.deleteScimUser({ client, path: { id } }));
    expect(deleted.response.status).toBe(204);
    expect(await accountOf('leaver@example.com')).toBeUndefined();
    expect(await rows(gh.runtime.db, 'api_credentials', { name: 'leaver-token' })).toEqual([]);
    expect(must(await scim.getScimUser({ client, path: { id } })).response.status).toBe(404);
    expect(must(await scim.deleteScimUser({ client, path: { id } })).response.status).toBe(404);
    const audit = (await rows(gh.runtime.db, 'audit_records', { module: 'scim' })).map((r) => String(r.message));
    expect(audit).toEqual(expect.arrayContaining(['Account created', expect.stringMatching(/^Account deactivated \(.*active.*\)$/), expect.stringMatching(/^Account [0-9a-f-]{36} \(leaver@example.com\) deleted$/)]));
  });

  it('groups: Entra ID and Okta membership sequences over an organization', async () => {
    const ids: string[] = [];
    for (const name of ['g.one@example.com', 'g.two@example.com', 'g.three@example.com']) {
      ids.push(must(await scim.createScimUser({ client, body: { schemas: [USER], userName: name } })).data!.id);
    }
    const lookup = must(await scim.listScimGroups({ client, query: { filter: 'displayName eq "Engineering"', excludedAttributes: 'members' } }));
    expect(lookup.data!.totalResults).toBe(0);
    const created = must(await scim.createScimGroup({ client, body: { schemas: [GROUP], displayName: 'Engineering', externalId: 'grp-1', members: [{ value: ids[0]! }] } }));
    expect(created.response.status).toBe(201);
    const group = created.data!;
    expect(group).toMatchObject({ displayName: 'Engineering', externalId: 'grp-1', members: [{ value: ids[0], display: 'g.one@example.com', type: 'User' }] });
    expect(created.response.headers.get('location')).toBe(`https://id.example.com/scim/v2/Groups/${group.id}`);
    const organization = (await rows(gh.runtime.db, 'organizations', { uuid: group.id }))[0]!;
    expect(organization).toMatchObject({ name: 'Engineering', external_id: 'grp-1' });

    // Entra ID: add a member, remove one by value filter
    must(await scim.patchScimGroup({ client, path: { id: group.id }, body: { schemas: [PATCH], Operations: [{ op: 'Add', path: 'members', value: [{ value: ids[1] }, { value: ids[2] }] }] } }));
    must(await scim.patchScimGroup({ client, path: { id: group.id }, body: { schemas: [PATCH], Operations: [{ op: 'Remove', path: `members[value eq "${ids[0]}"]` }] } }));
    const members = async () => (await rows(gh.runtime.db, 'organization_memberships', { organization_id: organization.id }, 'account_id')).map((m) => m.role);
    expect(await members()).toEqual(['member', 'member']);
    const listed = must(await scim.listScimGroups({ client, query: { filter: 'displayName eq "engineering"', excludedAttributes: 'members' } }));
    expect(listed.data).toMatchObject({ totalResults: 1, Resources: [{ id: group.id, displayName: 'Engineering' }] });
    expect(listed.data!.Resources[0]).not.toHaveProperty('members');

    // the user shows its group
    const two = must(await scim.getScimUser({ client, path: { id: ids[1]! } }));
    expect(two.data!.groups).toEqual([{ value: group.id, display: 'Engineering' }]);

    // Okta: rename with a no-path replace that echoes the id; then push the membership with PUT
    const renamed = must(await scim.patchScimGroup({ client, path: { id: group.id }, body: { schemas: [PATCH], Operations: [{ op: 'replace', value: { id: group.id, displayName: 'Platform Engineering' } }] } }));
    expect(renamed.data).toMatchObject({ displayName: 'Platform Engineering' });
    const put = must(await scim.replaceScimGroup({ client, path: { id: group.id }, body: { schemas: [GROUP], displayName: 'Platform Engineering', members: [{ value: ids[0]! }] } }));
    expect(put.data!.members).toEqual([{ value: ids[0], display: 'g.one@example.com', type: 'User' }]);
    expect(put.data).not.toHaveProperty('externalId');

    // an unknown member creates nothing; an id change is refused
    const unknown = must(await scim.createScimGroup({ client, body: { schemas: [GROUP], displayName: 'Ghosts', members: [{ value: '00000000-0000-4000-8000-000000000000' }] } }));
    expect(unknown.response.status).toBe(400);
    expect(unknown.error).toMatchObject({ scimType: 'invalidValue' });
    expect(await rows(gh.runtime.db, 'organizations', { name: 'Ghosts' })).toEqual([]);
    const idChange = must(await scim.patchScimGroup({ client, path: { id: group.id }, body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'id', value: 'mine' }] } }));
    expect(idChange.response.status).toBe(400);
    expect(idChange.error).toMatchObject({ scimType: 'mutability' });

    expect(must(await scim.deleteScimGroup({ client, path: { id: group.id } })).response.status).toBe(204);
    expect(await rows(gh.runtime.db, 'organizations', { uuid: group.id })).toEqual([]);
    expect(must(await scim.getScimUser({ client, path: { id: ids[0]! } })).data!.groups).toEqual([]);
  });
});
