import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as platform from '../../../generated/platform/sdk.gen.js';
import * as portal from '../../../generated/portal/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { auditMessages, rows } from '../../support/db-assert.js';
import type { TestGatehouse } from '../../support/gatehouse.js';
import { bootstrapAdmin, platformCaller, ADMIN } from '../../support/platform.js';
import { claimsOf, createOrganization, createUser, NOT_AUTHENTICATED, portalClient, signIn, startPortalGatehouse, type Org } from '../../support/portal.js';
import { must } from '../../support/simple-auth.js';

describe.each(DATABASES)('portal load, logout and organization switch on %s', (kind) => {
  let gh: TestGatehouse;
  let northwind: Org;
  let contoso: Org;
  let other: Org;
  let dana: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    gh = await startPortalGatehouse(kind);
    // The first administrator (no email, no organization) must exist before any other account.
    await bootstrapAdmin(gh);
    northwind = await createOrganization(gh, 'Northwind Traders');
    contoso = await createOrganization(gh, 'Contoso Field Services');
    other = await createOrganization(gh, 'Fabrikam');
    dana = await createUser(gh, 'dana', { memberOf: [[northwind, 'admin'], [contoso, 'member']] });
  });
  afterAll(async () => gh?.stop());

  const load = async (token?: string) => must(await portal.initialLoad({ client: portalClient(gh, token) }));

  it('signs in with a token pair scoped to the default organization and loads the user', async () => {
    const token = await signIn(gh, 'Dana@Example.com', dana.password);
    expect(token.token_type).toBe('bearer');
    expect(claimsOf(token.access_token)).toMatchObject({ sub: dana.account.uuid, org: northwind.uuid, aud: 'gatehouse:portal', iss: gh.url });
    expect(claimsOf(token.access_token).act).toBeUndefined();
    const result = await load(token.access_token);
    expect(result.response.status).toBe(200);
    expect(result.data).toEqual({
      user: {
        id: dana.account.uuid,
        name: 'dana',
        email: 'dana@example.com',
        organization_id: northwind.uuid,
        organization_name: 'Northwind Traders',
        role: { name: 'admin' },
        is_superuser: false,
        is_account_admin: true,
        is_impersonating: false,
        mfa_required: false,
        organizations: [
          { id: northwind.uuid, name: 'Northwind Traders', role: 'admin' },
          { id: contoso.uuid, name: 'Contoso Field Services', role: 'member' },
        ],
      },
    });
    // The refresh token is opaque and stored only as its hash, under the same grant.
    const stored = await rows(gh.runtime.db, 'oauth2_tokens', { account_id: dana.account.id, type: 'refresh_token' });
    expect(stored.length).toBeGreaterThan(0);
    expect(JSON.stringify(stored)).not.toContain(token.refresh_token);
  });

  it('loads with another face\'s token (default organization) and reports nulls without memberships', async () => {
    const platformToken = must(await platform.localLogin({ client: platformCaller(gh).client, body: { username: ADMIN.username, password: ADMIN.password } })).data!.token;
    const result = await load(platformToken);
    expect(result.response.status).toBe(200);
    expect(result.data!.user).toMatchObject({ name: ADMIN.principal_name, email: null, organization_id: null, organization_name: null, role: { name: null }, is_superuser: true, is_account_admin: false, organizations: [] });
  });

  it('answers 401 {detail: "Not authenticated"} with the Bearer challenge for missing, forged, expired and revoked tokens', async () => {
    const token = await signIn(gh, dana.email, dana.password);
    const answers = [await load(), await load('not-a-jwt'), await load(`${token.access_token.slice(0, -4)}AAAA`), await load(token.refresh_token)];
    gh.clock.advance(3601);
    answers.push(await load(token.access_token));
    gh.clock.advance(-3601);
    for (const result of answers) {
      expect([result.response.status, result.error]).toEqual([401, NOT_AUTHENTICATED]);
      expect(result.response.headers.get('www-authenticate')).toBe('Bearer');
    }
    // Security is checked before the body: a stranger learns nothing about the contract.
    const switched = must(await portal.switchOrg({ client: portalClient(gh), body: { id: 'nope' } }));
    expect([switched.response.status, switched.error]).toEqual([401, NOT_AUTHENTICATED]);
  });

  it('logout revokes the token\'s grant (access and refresh tokens) and leaves other sessions alone', async () => {
    const first = await signIn(gh, dana.email, dana.password);
    const second = await signIn(gh, dana.email, dana.password);
    const out = must(await portal.logout({ client: portalClient(gh, first.access_token) }));
    expect(out.response.status).toBe(204);
    expect((await load(first.access_token)).response.status).toBe(401);
    expect((await load(second.access_token)).response.status).toBe(200);
    const jti = claimsOf(first.access_token).jti as string;
    const access = (await rows(gh.runtime.db, 'oauth2_tokens', { jti }))[0]!;
    const family = await rows(gh.runtime.db, 'oauth2_tokens', { grant_id: access.grant_id });
    expect(family.map((t) => t.type).sort()).toEqual(['access_token', 'refresh_token']);
    expect(family.every((t) => t.revoked_at !== null)).toBe(true);
    const again = must(await portal.logout({ client: portalClient(gh, first.access_token) }));
    expect([again.response.status, again.error]).toEqual([401, NOT_AUTHENTICATED]);
    expect(await auditMessages(gh.runtime.db, dana.account.id)).toContain('Logout');
  });

  it('switches to another organization of the caller, and refuses unknown (404) and foreign (403) ones', async () => {
    const token = await signIn(gh, dana.email, dana.password);
    const client = portalClient(gh, token.access_token);
    const switched = must(await portal.switchOrg({ client, body: { id: contoso.uuid, extra: 'ignored' } }));
    expect(switched.response.status).toBe(200);
    expect(switched.response.headers.get('cache-control')).toBe('no-store');
    expect(claimsOf(switched.data!.access_token)).toMatchObject({ sub: dana.account.uuid, org: contoso.uuid });
    expect((await load(switched.data!.access_token)).data!.user).toMatchObject({ organization_id: contoso.uuid, role: { name: 'member' }, is_account_admin: false });
    // The caller's current tokens stay valid.
    expect((await load(token.access_token)).data!.user.organization_id).toBe(northwind.uuid);

    const unknown = must(await portal.switchOrg({ client, body: { id: '00000000-0000-4000-8000-000000000000' } }));
    expect([unknown.response.status, unknown.error]).toEqual([404, { detail: 'Organization not found' }]);
    const foreign = must(await portal.switchOrg({ client, body: { id: other.uuid } }));
    expect([foreign.response.status, foreign.error]).toEqual([403, { detail: 'Not a member of this organization' }]);
    expect(await auditMessages(gh.runtime.db, dana.account.id)).toEqual(expect.arrayContaining([`Switched organization to ${contoso.uuid}`, 'Organization switch refused: not a member']));
  });

  it('answers 422 in FastAPI\'s shape for a body that breaks the contract', async () => {
    const token = await signIn(gh, dana.email, dana.password);
    const result = must(await portal.switchOrg({ client: portalClient(gh, token.access_token), body: { id: 'org_s_sandbox' } }));
    expect(result.response.status).toBe(422);
    expect(result.error).toEqual({ detail: [{ loc: ['body', 'id'], msg: expect.any(String), type: 'value_error' }] });
    const missing = must(await portal.switchOrg({ client: portalClient(gh, token.access_token), body: {} as never }));
    expect(missing.response.status).toBe(422);
    expect((missing.error as { detail: { loc: string[] }[] }).detail[0]!.loc[0]).toBe('body');
  });
});
