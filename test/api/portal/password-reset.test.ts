import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as portal from '../../../generated/portal/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { auditMessages, rows } from '../../support/db-assert.js';
import type { TestGatehouse } from '../../support/gatehouse.js';
import { createOrganization, createUser, portalClient, signIn, startPortalGatehouse, type Org } from '../../support/portal.js';
import { must } from '../../support/simple-auth.js';

const FORGOT = { detail: 'If the address belongs to an account, a password reset link has been sent to it.' };
const BAD_TOKEN = { detail: 'Invalid or expired reset token' };
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

describe.each(DATABASES)('portal password reset on %s', (kind) => {
  let gh: TestGatehouse;
  let northwind: Org;
  let contoso: Org;
  let paul: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    gh = await startPortalGatehouse(kind);
    northwind = await createOrganization(gh, 'Northwind Traders');
    contoso = await createOrganization(gh, 'Contoso');
    paul = await createUser(gh, 'paul', { memberOf: [[northwind, 'member']] });
  });
  afterAll(async () => gh?.stop());

  const anonymous = () => portalClient(gh);
  const forgot = async (email: string, portalId?: string) => must(await portal.portalForgotPassword({ client: anonymous(), body: { email, ...(portalId ? { portal_id: portalId } : {}) } }));
  const callback = async (token: string, portalId: string) => must(await portal.portalResetCallback({ client: anonymous(), query: { token, portal_id: portalId } }));
  const reset = async (token: string, password: string, portalId?: string) => must(await portal.portalResetPassword({ client: anonymous(), body: { token, password, ...(portalId ? { portal_id: portalId } : {}) } }));
  const linkToken = async (count: number) => {
    const links = () => gh.mail.filter((m) => m.to === paul.email && m.subject === 'Reset your password');
    await expect.poll(() => links().length).toBe(count);
    const text = links().at(-1)!.text;
    const url = new URL(/(http\S+)/.exec(text)![1]!);
    return { token: url.searchParams.get('token')!, portalId: url.searchParams.get('portal_id'), path: url.pathname };
  };

  it('answers known, unknown and non-member emails alike with 201; only the member gets a link', async () => {
    for (const result of [await forgot(paul.email, northwind.uuid), await forgot('nobody@example.com'), await forgot(paul.email, contoso.uuid)]) {
      expect([result.response.status, result.data]).toEqual([201, FORGOT]);
    }
    const link = await linkToken(1);
    expect(link).toMatchObject({ path: '/reset-password', portalId: northwind.uuid });
    expect(gh.mail.filter((m) => m.to !== paul.email)).toEqual([]);
    const stored = await rows(gh.runtime.db, 'portal_codes', { account_id: paul.account.id, purpose: 'password-reset' });
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(link.token);
  });

  it('checks a link without consuming it, resets once, and revokes every session and token of the account', async () => {
    await forgot(paul.email);
    const { token, portalId } = await linkToken(2);
    expect(portalId).toBe(northwind.uuid);
    const checked = await callback(token, northwind.uuid);
    expect(checked.response.headers.get('cache-control')).toBe('no-store');
    expect(checked.data).toEqual({ valid: true, expires_at: expect.any(String) });
    expect(new Date(checked.data!.expires_at!).getTime()).toBe(gh.clock.now().getTime() + 3600_000);
    expect((await callback(token, contoso.uuid)).data).toEqual({ valid: false, expires_at: null });

    const before = await signIn(gh, paul.email, paul.password);
    // Someone guessing the old password has locked the email; the reset lifts the lock.
    for (let i = 0; i < 5; i++) must(await portal.portalLogin({ client: anonymous(), body: { email: paul.email, password: 'guess-password' } }));
    expect(must(await portal.portalLogin({ client: anonymous(), body: { email: paul.email, password: paul.password } })).response.status).toBe(429);
    const magic = must(await portal.requestMagicCode({ client: anonymous(), body: { email: paul.email } }));

    // Rules are checked after the token and leave it usable.
    const short = await reset(token, 'short');
    expect([short.response.status, short.error]).toEqual([400, { detail: 'Password must be at least 8 characters' }]);
    const long = await reset(token, 'é'.repeat(40));
    expect([long.response.status, long.error]).toEqual([400, { detail: 'Password must be at most 72 bytes' }]);
    expect((await reset(token, 'n3w-Lantern-orchard', contoso.uuid)).error).toEqual(BAD_TOKEN);

    const done = await reset(token, 'n3w-Lantern-orchard', northwind.uuid);
    expect([done.response.status, done.data]).toEqual([200, { detail: 'Password has been reset. Please sign in again.' }]);
    expect((await reset(token, 'another-password-1')).error).toEqual(BAD_TOKEN);
    expect((await callback(token, northwind.uuid)).data).toEqual({ valid: false, expires_at: null });

    const used = await rows(gh.runtime.db, 'portal_codes', { account_id: paul.account.id, purpose: 'password-reset' });
    expect(used.filter((c) => c.used_at !== null)).toHaveLength(1);
    const load = must(await portal.initialLoad({ client: portalClient(gh, before.access_token) }));
    expect(load.response.status).toBe(401);
    const grants = await rows(gh.runtime.db, 'oauth2_grants', { account_id: paul.account.id });
    expect(grants.every((g) => g.revoked_at !== null)).toBe(true);
    gh.clock.advance(2);
    expect(must(await portal.loginStatus({ client: anonymous(), query: { email: paul.email, session_id: magic.data!.login_session_id! } })).data).toEqual({ status: 'expired' });

    expect(must(await portal.portalLogin({ client: anonymous(), body: { email: paul.email, password: paul.password } })).response.status).toBe(401);
    await signIn(gh, paul.email, 'n3w-Lantern-orchard');
    expect(await auditMessages(gh.runtime.db, paul.account.id)).toEqual(expect.arrayContaining(['Password reset link issued', 'Password reset; every session revoked']));
  });

  it('voids earlier links on a new request, and refuses expired ones', async () => {
    gh.clock.advance(1000);
    await forgot(paul.email);
    const first = await linkToken(3);
    await forgot(paul.email);
    const second = await linkToken(4);
    expect((await callback(first.token, northwind.uuid)).data!.valid).toBe(false);
    expect((await reset(first.token, 'yet-another-password')).error).toEqual(BAD_TOKEN);
    gh.clock.advance(3601);
    expect((await callback(second.token, northwind.uuid)).data!.valid).toBe(false);
    expect((await reset(second.token, 'yet-another-password')).error).toEqual(BAD_TOKEN);
  });

  it('names "no portal" with the nil UUID in the link of an account without an organization, which the callback requires', async () => {
    const nora = await createUser(gh, 'nora');
    await forgot(nora.email);
    await expect.poll(() => gh.mail.filter((m) => m.to === nora.email).length).toBe(1);
    const link = new URL(/(http\S+)/.exec(gh.mail.find((m) => m.to === nora.email)!.text)![1]!);
    const token = link.searchParams.get('token')!;
    expect(link.searchParams.get('portal_id')).toBe(NIL_UUID);
    // The seed requires portal_id on the callback: the link's own values pass it.
    const checked = await callback(token, NIL_UUID);
    expect([checked.response.status, checked.data?.valid]).toEqual([200, true]);
    // "No portal" and an organization never stand in for each other.
    expect((await callback(token, northwind.uuid)).data).toEqual({ valid: false, expires_at: null });
    await forgot(paul.email, northwind.uuid);
    const paulsLink = await linkToken(5);
    expect((await callback(paulsLink.token, NIL_UUID)).data).toEqual({ valid: false, expires_at: null });
    expect((await reset(token, 'nora-new-password', northwind.uuid)).error).toEqual(BAD_TOKEN);
    const done = await reset(token, 'nora-new-password', NIL_UUID);
    expect(done.response.status).toBe(200);
    await signIn(gh, nora.email, 'nora-new-password');
  });

  it('answers 422 for missing query parameters and bodies', async () => {
    const missing = must(await portal.portalResetCallback({ client: anonymous(), query: { token: 'x' } as never }));
    expect(missing.response.status).toBe(422);
    expect(missing.error).toEqual({ detail: [{ loc: ['query', 'portal_id'], msg: expect.any(String), type: 'value_error' }] });
    expect(must(await portal.portalResetPassword({ client: anonymous(), body: { token: 'x' } as never })).response.status).toBe(422);
  });
});
