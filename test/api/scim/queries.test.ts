import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as scim from '../../../generated/scim/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { scimCaller, scimToken } from '../../support/scim.js';
import { must } from '../../support/simple-auth.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const PEOPLE = [
  { userName: 'alice', givenName: 'Alice', familyName: 'Archer', email: 'alice@corp.example', active: true },
  { userName: 'bob', givenName: 'Bob', familyName: 'Baker', email: 'bob@corp.example', active: false },
  { userName: 'carol', givenName: 'Carol', familyName: 'Archer', email: 'carol@other.example', active: true },
  { userName: 'dave', givenName: 'Dave', familyName: 'Dyer', email: null, active: true },
  { userName: 'erin', givenName: null, familyName: null, email: 'erin@corp.example', active: true },
];

/** Filters (RFC 7644 §3.4.2.2), pagination, sorting, projection, discovery and SCIM errors. */
describe.each(DATABASES)('SCIM queries and errors on %s', (kind) => {
  let gh: TestGatehouse;
  let client: ReturnType<typeof scimCaller>;

  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { server: { publicUrl: 'https://id.example.com' } } });
    client = scimCaller(gh, await scimToken(gh, { bootstrap: true }));
    for (const p of PEOPLE) {
      const body = {
        schemas: [USER],
        userName: p.userName,
        active: p.active,
        ...(p.givenName ? { name: { givenName: p.givenName, familyName: p.familyName } } : {}),
        ...(p.email ? { emails: [{ value: p.email }] } : {}),
      };
      expect(must(await scim.createScimUser({ client, body })).response.status).toBe(201);
    }
  });
  afterAll(async () => gh?.stop());

  const names = async (filter: string, extra: Record<string, unknown> = {}) => {
    const result = must(await scim.listScimUsers({ client, query: { filter, sortBy: 'userName', ...extra } }));
    expect(result.response.status, JSON.stringify(result.error)).toBe(200);
    return result.data!.Resources.map((r) => r.userName);
  };

  it('filters with eq, ne, co, sw, ew, pr, and, or, not and value paths; attribute names without case', async () => {
    expect(await names('userName eq "ALICE"')).toEqual(['alice']);
    expect(await names('username ne "alice" and active eq true')).toEqual(['admin', 'carol', 'dave', 'erin']);
    expect(await names('emails co "@corp."')).toEqual(['alice', 'bob', 'erin']);
    expect(await names('emails.value ew "other.example"')).toEqual(['carol']);
    expect(await names('emails[value sw "bob"]')).toEqual(['bob']);
    expect(await names('name.familyName eq "Archer" or userName eq "dave"')).toEqual(['alice', 'carol', 'dave']);
    expect(await names('not (emails pr) or name.givenName sw "Er"')).toEqual(['admin', 'dave']);
    expect(await names('name.givenName pr and not (active eq false)')).toEqual(['alice', 'carol', 'dave']);
    expect(await names('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "c"')).toEqual(['carol']);
    expect(await names('meta.created gt "2000-01-01T00:00:00Z"')).toHaveLength(6);
    // SQL wildcards in a value are literal text
    expect(await names('userName co "%"')).toEqual([]);
    expect(await names('userName co "_"')).toEqual([]);
  });

  it('pages with startIndex and count, sorts, and projects attributes', async () => {
    const first = must(await scim.listScimUsers({ client, query: { sortBy: 'userName', startIndex: 1, count: 2 } }));
    expect(first.data).toMatchObject({ totalResults: 6, startIndex: 1, itemsPerPage: 2 });
    expect(first.data!.Resources.map((r) => r.userName)).toEqual(['admin', 'alice']);
    const third = must(await scim.listScimUsers({ client, query: { sortBy: 'userName', startIndex: 5, count: 2 } }));
    expect(third.data!.Resources.map((r) => r.userName)).toEqual(['dave', 'erin']);
    const past = must(await scim.listScimUsers({ client, query: { startIndex: 50 } }));
    expect(past.data).toMatchObject({ totalResults: 6, startIndex: 50, itemsPerPage: 0, Resources: [] });
    const onlyCount = must(await scim.listScimUsers({ client, query: { count: 0 } }));
    expect(onlyCount.data).toMatchObject({ totalResults: 6, itemsPerPage: 0 });
    const zeroIndex = must(await scim.listScimUsers({ client, query: { startIndex: 0, count: 1, sortBy: 'userName' } }));
    expect(zeroIndex.data).toMatchObject({ startIndex: 1, Resources: [{ userName: 'admin' }] });
    expect(await names('active eq true', { sortOrder: 'descending' })).toEqual(['erin', 'dave', 'carol', 'alice', 'admin']);

    const projected = must(await scim.listScimUsers({ client, query: { filter: 'userName eq "alice"', attributes: 'userName,groups' } }));
    expect(projected.data!.Resources).toEqual([{ schemas: [USER], id: expect.any(String), userName: 'alice', groups: [] }]);
    const excluded = must(await scim.getScimUser({ client, path: { id: projected.data!.Resources[0]!.id }, query: { excludedAttributes: 'emails,meta,groups' } }));
    expect(Object.keys(excluded.data!).sort()).toEqual(['active', 'displayName', 'id', 'name', 'schemas', 'userName']);
  });

  it('refuses bad filters, sorts and bodies in the SCIM error shape', async () => {
    for (const filter of ['title eq "x"', 'userName eq', 'userName xx "a"', 'meta.created gt "yesterday"', 'userName eq null']) {
      const result = must(await scim.listScimUsers({ client, query: { filter } }));
      expect(result.response.status, filter).toBe(400);
      expect(result.response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      expect(result.error, filter).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidFilter' });
    }
    expect(must(await scim.listScimGroups({ client, query: { filter: 'members.value eq "x"' } })).error).toMatchObject({ scimType: 'invalidFilter' });
    expect(must(await scim.listScimUsers({ client, query: { sortBy: 'password' } })).error).toMatchObject({ status: '400', scimType: 'invalidValue' });

    const before = (await rows(gh.runtime.db, 'accounts')).length;
    const noName = must(await scim.createScimUser({ client, body: { schemas: [USER] } as unknown as { userName: string } }));
    expect(noName.response.status).toBe(400);
    expect(noName.error).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    const badName = must(await scim.createScimUser({ client, body: { schemas: [USER], userName: 'no spaces allowed' } }));
    expect(badName.error).toMatchObject({ status: '400', scimType: 'invalidValue', detail: 'invalid username characters' });
    const badEmail = must(await scim.createScimUser({ client, body: { schemas: [USER], userName: 'frank', emails: [{ value: 'not-an-address' }] } }));
    expect(badEmail.error).toMatchObject({ scimType: 'invalidValue' });
    const taken = must(await scim.createScimUser({ client, body: { schemas: [USER], userName: 'Alice' } }));
    expect(taken.response.status).toBe(409);
    expect(taken.error).toMatchObject({ status: '409', scimType: 'uniqueness' });
    expect((await rows(gh.runtime.db, 'accounts')).length).toBe(before);

    const alice = (await rows(gh.runtime.db, 'accounts', { username: 'alice' }))[0]!;
    const readOnly = must(await scim.patchScimUser({ client, path: { id: String(alice.uuid) }, body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'meta.created', value: '2001-01-01T00:00:00Z' }] } }));
    expect(readOnly.error).toMatchObject({ status: '400', scimType: 'mutability' });
    const noTarget = must(await scim.patchScimUser({ client, path: { id: String(alice.uuid) }, body: { schemas: [PATCH], Operations: [{ op: 'remove', path: 'emails[type eq "home"].value' }] } }));
    expect(noTarget.response.status).toBe(400);
    const badOp = must(await scim.patchScimUser({ client, path: { id: String(alice.uuid) }, body: { schemas: [PATCH], Operations: [{ op: 'move', path: 'userName', value: 'x' }] } }));
    expect(badOp.error).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    expect((await rows(gh.runtime.db, 'accounts', { username: 'alice' }))[0]).toMatchObject({ email: 'alice@corp.example', updated_at: alice.updated_at });

    const missing = must(await scim.getScimUser({ client, path: { id: 'not-a-user' } }));
    expect(missing.response.status).toBe(404);
    expect(missing.error).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'no User not-a-user' });
  });

  it('describes itself: ServiceProviderConfig, ResourceTypes and Schemas', async () => {
    const config = must(await scim.getScimServiceProviderConfig({ client }));
    expect(config.data).toMatchObject({ patch: { supported: true }, bulk: { supported: false }, filter: { supported: true, maxResults: 500 }, sort: { supported: true }, authenticationSchemes: [{ type: 'oauthbearertoken' }] });
    const types = must(await scim.listScimResourceTypes({ client }));
    expect(types.data!.Resources.map((r) => [r.id, r.endpoint, r.schema])).toEqual([
      ['User', '/Users', USER],
      ['Group', '/Groups', 'urn:ietf:params:scim:schemas:core:2.0:Group'],
    ]);
    const schemas = must(await scim.listScimSchemas({ client }));
    const user = schemas.data!.Resources.find((s) => s.id === USER)!;
    expect(user.attributes.find((a) => a.name === 'userName')).toMatchObject({ required: true, uniqueness: 'server', caseExact: false });
    expect(user.attributes.find((a) => a.name === 'password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
  });
});
