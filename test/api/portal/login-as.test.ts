import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as portal from '../../../generated/portal/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { auditMessages, rows } from '../../support/db-assert.js';
import type { TestGatehouse } from '../../support/gatehouse.js';
import { claimsOf, createOrganization, createUser, NOT_AUTHENTICATED, portalClient, signIn, startPortalGatehouse, type Org } from '../../support/portal.js';
import { must } from '../../support/simple-auth.js';

const FORBIDDEN = { detail: 'Not allowed to impersonate this user' };
const NOT_FOUND = { detail: 'User not found' };
type User = Awaited<ReturnType<typeof createUser>>;

describe.each(DATABASES)('portal login-as-user on %s', (kind) => {
  let gh: TestGatehouse;
  let northwind: Org;
  let contoso: Org;
  let fabrikam: Org;
  let quinn: User; // admin of northwind, member of contoso
  let rosa: User; // member of northwind and contoso
  let sam: User; // member of contoso only
  let tara: User; // member of fabrikam only
  let root: User; // superuser, no organization

  beforeAll(async () => {
    gh = await startPortalGatehouse(kind);
    [northwind, contoso, fabrikam] = [await createOrganization(gh, 'Northwind'), await createOrganization(gh, 'Contoso'), await createOrganization(gh, 'Fabrikam')];
    quinn = await createUser(gh, 'quinn', { memberOf: [[northwind, 'admin'], [contoso, 'member']] });
    rosa = await createUser(gh, 'rosa', { memberOf: [[contoso, 'member'], [northwind, 'member']] });
    sam = await createUser(gh, 'sam', { memberOf: [[contoso, 'member']] });
    tara = await createUser(gh, 'tara', { memberOf: [[fabrikam, 'member']] });
    root = await createUser(gh, 'root', { isAdmin: true });
  });
  afterAll(async () => gh?.stop());

  const loginAs = async (token: string, userId: string) => must(await portal.loginAsUser({ client: portalClient(gh, token), body: { user_id: userId } }));

  it('lets an organization admin act as a fellow member, with act claim, 1-hour refresh, load flag and audit for both', async () => {
    const admin = await signIn(gh, quinn.email, quinn.password);
    const result = await loginAs(admin.access_token, rosa.account.uuid);
    expect(result.response.status).toBe(200);
    expect(result.response.headers.get('cache-control')).toBe('no-store');
    // Scoped to the first organization they share that the admin administers (the caller's current one here).
    expect(claimsOf(result.data!.access_token)).toMatchObject({ sub: rosa.account.uuid, org: northwind.uuid, act: { sub: quinn.account.uuid } });
    const refresh = (await rows(gh.runtime.db, 'oauth2_tokens', { account_id: rosa.account.id, type: 'refresh_token' })).at(-1)!;
    const created = new Date(refresh.created_at as string | Date);
    expect(new Date(refresh.expires_at as string | Date).getTime() - created.getTime()).toBe(3600_000);

    const load = must(await portal.initialLoad({ client: portalClient(gh, result.data!.access_token) }));
    expect(load.data!.user).toMatchObject({ id: rosa.account.uuid, is_impersonating: true, organization_id: northwind.uuid, role: { name: 'member' } });
    // Switching keeps the impersonator.
    const switched = must(await portal.switchOrg({ client: portalClient(gh, result.data!.access_token), body: { id: contoso.uuid } }));
    expect(claimsOf(switched.data!.access_token)).toMatchObject({ sub: rosa.account.uuid, org: contoso.uuid, act: { sub: quinn.account.uuid } });
    // A browser handed over from the impersonating CLI stays an impersonation.
    const minted = must(await portal.generateCliBrowserToken({ client: portalClient(gh, result.data!.access_token) })).data!;
    const browser = must(await portal.consumeCliBrowserToken({ client: portalClient(gh), body: { code: minted.exchange_code } })).data!;
    expect(claimsOf(browser.access_token)).toMatchObject({ sub: rosa.account.uuid, org: northwind.uuid, act: { sub: quinn.account.uuid } });
    // The impersonator cannot approve the user's sign-in: it would be an ordinary session without `act`.
    const pending = must(await portal.requestMagicCode({ client: portalClient(gh), body: { email: rosa.email } })).data!;
    const laundering = must(await portal.approve2Fa({ client: portalClient(gh, result.data!.access_token), body: { login_session_id: pending.login_session_id! } }));
    expect([laundering.response.status, laundering.error]).toEqual([403, { detail: 'Login session belongs to another user' }]);
    // No chains.
    const chained = await loginAs(result.data!.access_token, sam.account.uuid);
    expect([chained.response.status, chained.error]).toEqual([403, FORBIDDEN]);

    expect(must(await portal.logout({ client: portalClient(gh, result.data!.access_token) })).response.status).toBe(204);
    expect(await auditMessages(gh.runtime.db, quinn.account.id)).toEqual(expect.arrayContaining(['Impersonation of rosa started', 'Impersonation of rosa ended']));
    expect(await auditMessages(gh.runtime.db, rosa.account.id)).toEqual(expect.arrayContaining(['Impersonated by quinn', 'Impersonation ended by quinn']));
  });

  it('refuses non-admins (403), strangers of other organizations (404), unknown users (404), self and superusers (403)', async () => {
    const admin = await signIn(gh, quinn.email, quinn.password);
    const member = await signIn(gh, rosa.email, rosa.password);
    // contoso is shared, but quinn is only a member there.
    expect((await loginAs(admin.access_token, sam.account.uuid)).error).toEqual(FORBIDDEN);
    expect((await loginAs(member.access_token, quinn.account.uuid)).error).toEqual(FORBIDDEN);
    const stranger = await loginAs(admin.access_token, tara.account.uuid);
    expect([stranger.response.status, stranger.error]).toEqual([404, NOT_FOUND]);
    expect((await loginAs(admin.access_token, '00000000-0000-4000-8000-000000000000')).error).toEqual(NOT_FOUND);
    expect((await loginAs(admin.access_token, quinn.account.uuid)).error).toEqual(FORBIDDEN);
    await gh.runtime.db('organization_memberships').insert({ organization_id: northwind.id, account_id: root.account.id, role: 'member', created_at: gh.clock.now() });
    expect((await loginAs(admin.access_token, root.account.uuid)).error).toEqual(FORBIDDEN);
    await gh.runtime.db('organization_memberships').where({ account_id: root.account.id }).delete();
    await gh.runtime.db('accounts').where({ id: rosa.account.id }).update({ active: false });
    expect((await loginAs(admin.access_token, rosa.account.uuid)).error).toEqual(NOT_FOUND);
    await gh.runtime.db('accounts').where({ id: rosa.account.id }).update({ active: true });
  });

  it('lets a superuser act as any active user, scoped to the target\'s default organization', async () => {
    const superuser = await signIn(gh, root.email, root.password);
    const result = await loginAs(superuser.access_token, tara.account.uuid);
    expect(result.response.status).toBe(200);
    expect(claimsOf(result.data!.access_token)).toMatchObject({ sub: tara.account.uuid, org: fabrikam.uuid, act: { sub: root.account.uuid } });
  });

  it('needs a bearer token (401) and a UUID (422)', async () => {
    const anonymous = must(await portal.loginAsUser({ client: portalClient(gh), body: { user_id: rosa.account.uuid } }));
    expect([anonymous.response.status, anonymous.error]).toEqual([401, NOT_AUTHENTICATED]);
    const admin = await signIn(gh, quinn.email, quinn.password);
    const bad = await loginAs(admin.access_token, 'user_abc');
    expect(bad.response.status).toBe(422);
    expect(bad.error).toEqual({ detail: [{ loc: ['body', 'user_id'], msg: expect.any(String), type: 'value_error' }] });
  });
});
