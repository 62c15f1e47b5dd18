import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as portal from '../../../generated/portal/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { auditMessages, rows } from '../../support/db-assert.js';
import type { TestGatehouse } from '../../support/gatehouse.js';
import { claimsOf, createOrganization, createUser, INVALID_CODE, latestCode, portalClient, startPortalGatehouse, type Org } from '../../support/portal.js';
import { must } from '../../support/simple-auth.js';
import { totpAt } from '../../support/totp-reference.js';

const INCORRECT = { detail: 'Incorrect email or password' };

describe.each(DATABASES)('portal password login and second factor on %s', (kind) => {
  let gh: TestGatehouse;
  let northwind: Org;
  let contoso: Org;

  beforeAll(async () => {
    gh = await startPortalGatehouse(kind, { login: { maxFailuresPerUser: 3, maxFailuresPerIp: 1000, windowSeconds: 900 } });
    northwind = await createOrganization(gh, 'Northwind Traders');
    contoso = await createOrganization(gh, 'Contoso');
  });
  afterAll(async () => gh?.stop());

  const login = async (body: { email: string; password: string; portal_id?: string }) => must(await portal.portalLogin({ client: portalClient(gh), body }));
  const verify = async (body: { email: string; code: string; login_session_id?: string }) => must(await portal.portalVerify2Fa({ client: portalClient(gh), body }));

  it('signs in to a portal with tokens scoped to it; no-store', async () => {
    const ellen = await createUser(gh, 'ellen', { memberOf: [[northwind, 'member'], [contoso, 'admin']] });
    const result = await login({ email: ellen.email, password: ellen.password, portal_id: contoso.uuid });
    expect(result.response.status).toBe(200);
    expect(result.response.headers.get('cache-control')).toBe('no-store');
    expect(result.data).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'bearer' });
    expect(claimsOf((result.data as { access_token: string }).access_token)).toMatchObject({ sub: ellen.account.uuid, org: contoso.uuid });
    expect(await auditMessages(gh.runtime.db, ellen.account.id)).toContain('Login Successful');
  });

  it('answers one 401 for a wrong password, an unknown email, an inactive account and a non-member', async () => {
    const frank = await createUser(gh, 'frank', { memberOf: [[northwind, 'member']] });
    const gina = await createUser(gh, 'gina');
    await gh.runtime.db('accounts').where({ id: gina.account.id }).update({ active: false });
    const answers = [
      await login({ email: frank.email, password: 'wrong-password' }),
      await login({ email: 'nobody@example.com', password: 'whatever-password' }),
      await login({ email: gina.email, password: gina.password }),
      await login({ email: frank.email, password: frank.password, portal_id: contoso.uuid }),
      await login({ email: frank.email, password: 'x'.repeat(73) }),
    ];
    for (const result of answers) expect([result.response.status, result.error]).toEqual([401, INCORRECT]);
    expect(await auditMessages(gh.runtime.db, frank.account.id)).toEqual(expect.arrayContaining(['Login failed', 'Portal login refused: not a member of the portal']));
  });

  it('locks an email after repeated failures (429 + Retry-After), known or unknown alike', async () => {
    for (const email of ['henry@example.com', 'ghost@example.com']) {
      if (email.startsWith('henry')) await createUser(gh, 'henry');
      for (let i = 0; i < 3; i++) expect((await login({ email, password: 'wrong-password' })).response.status).toBe(401);
      const locked = await login({ email, password: email.startsWith('henry') ? 'henry-password' : 'wrong-password' });
      expect([locked.response.status, locked.error]).toEqual([429, { detail: 'Too many failed attempts. Try again later.' }]);
      expect(Number(locked.response.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    gh.clock.advance(901);
    expect((await login({ email: 'henry@example.com', password: 'henry-password' })).response.status).toBe(200);
  });

  it('asks for a second factor when mfa_required, mails a code, and the code completes the sign-in once', async () => {
    const ivy = await createUser(gh, 'ivy', { mfaRequired: true, memberOf: [[northwind, 'member'], [contoso, 'member']] });
    const first = await login({ email: ivy.email, password: ivy.password, portal_id: contoso.uuid });
    expect(first.response.status).toBe(200);
    expect(first.data).toEqual({ detail: '2FA Required', two_fa_required: true, email: ivy.email, login_session_id: expect.any(String) });
    const sessionId = (first.data as { login_session_id: string }).login_session_id;
    const code = await latestCode(gh, ivy.email, 1);
    expect(gh.mail.at(-1)!.text).toContain(encodeURIComponent(sessionId));

    const [stored] = await rows(gh.runtime.db, 'portal_login_sessions', { account_id: ivy.account.id });
    expect(stored).toMatchObject({ status: 'pending', kind: 'password-2fa', attempts: 0, email: ivy.email, organization_id: contoso.id });
    expect(JSON.stringify(stored)).not.toContain(code);
    expect(JSON.stringify(stored)).not.toContain(sessionId);

    const ok = await verify({ email: 'IVY@example.com', code: `${code.slice(0, 3)} ${code.slice(3)}`, login_session_id: sessionId });
    expect(ok.response.status).toBe(200);
    expect(ok.response.headers.get('cache-control')).toBe('no-store');
    expect(claimsOf(ok.data!.access_token)).toMatchObject({ sub: ivy.account.uuid, org: contoso.uuid });
    const [done] = await rows(gh.runtime.db, 'portal_login_sessions', { account_id: ivy.account.id });
    expect(done).toMatchObject({ status: 'completed', code_hash: null });
    expect(done!.handed_out_at).not.toBeNull();

    const replay = await verify({ email: ivy.email, code, login_session_id: sessionId });
    expect([replay.response.status, replay.error]).toEqual([400, INVALID_CODE]);
  });

  it('burns a code after 5 wrong tries, locks the email, and refuses expired codes', async () => {
    const jack = await createUser(gh, 'jack', { mfaRequired: true });
    await login({ email: jack.email, password: jack.password });
    const code = await latestCode(gh, jack.email, 1);
    const wrong = code === '000000' ? '111111' : '000000';
    // The throttle allows 3 failures per email in this instance; the code's own limit is 5.
    for (let i = 0; i < 3; i++) expect((await verify({ email: jack.email, code: wrong })).error).toEqual(INVALID_CODE);
    const locked = await verify({ email: jack.email, code });
    expect([locked.response.status, locked.error]).toEqual([429, { detail: 'Too many failed attempts. Try again later.' }]);
    gh.clock.advance(901);
    expect((await verify({ email: jack.email, code })).error).toEqual(INVALID_CODE);
    const [row] = await rows(gh.runtime.db, 'portal_login_sessions', { account_id: jack.account.id });
    expect(row!.attempts).toBe(3);

    await login({ email: jack.email, password: jack.password });
    const fresh = await latestCode(gh, jack.email, 2);
    // This instance's email lock (3) comes first; with the default (5) both limits meet. The
    // session's own count burns the code at 5 whatever the lock says: start from 4.
    const latest = (await rows(gh.runtime.db, 'portal_login_sessions', { account_id: jack.account.id })).at(-1)!;
    await gh.runtime.db('portal_login_sessions').where({ id: latest.id }).update({ attempts: 4 });
    expect((await verify({ email: jack.email, code: wrong })).error).toEqual(INVALID_CODE);
    const burnt = (await rows(gh.runtime.db, 'portal_login_sessions', { id: latest.id }))[0]!;
    expect(burnt).toMatchObject({ attempts: 5, code_hash: null, status: 'pending' });
    expect((await verify({ email: jack.email, code: fresh })).error).toEqual(INVALID_CODE);

    gh.clock.advance(901);
    await login({ email: jack.email, password: jack.password });
    const late = await latestCode(gh, jack.email, 3);
    gh.clock.advance(601);
    expect((await verify({ email: jack.email, code: late })).error).toEqual(INVALID_CODE);
  });

  it('accepts a TOTP code once for an enrolled account, and never a TOTP code without a password sign-in', async () => {
    const kate = await createUser(gh, 'kate');
    const { totp } = gh.runtime.kernel;
    const secret = totp.newSecret();
    await gh.runtime.db('accounts').where({ id: kate.account.id }).update({ totp_secret: totp.seal(kate.account, secret) });
    const magic = must(await portal.requestMagicCode({ client: portalClient(gh), body: { email: kate.email } }));
    expect((await verify({ email: kate.email, code: totpAt(secret, gh.clock.now()), login_session_id: magic.data!.login_session_id! })).error).toEqual(INVALID_CODE);

    const started = await login({ email: kate.email, password: kate.password });
    expect(started.data).toMatchObject({ two_fa_required: true });
    const ok = await verify({ email: kate.email, code: totpAt(secret, gh.clock.now()) });
    expect(ok.response.status).toBe(200);
    await login({ email: kate.email, password: kate.password });
    expect((await verify({ email: kate.email, code: totpAt(secret, gh.clock.now()) })).error).toEqual(INVALID_CODE);
  });

  it('answers 422 with loc/msg/type for bodies that break the contract', async () => {
    const bad = must(await portal.portalLogin({ client: portalClient(gh), body: { email: 'not-an-email', password: 'x' } }));
    expect(bad.response.status).toBe(422);
    expect(bad.error).toEqual({ detail: [{ loc: ['body', 'email'], msg: expect.any(String), type: 'value_error' }] });
    const missing = must(await portal.portalVerify2Fa({ client: portalClient(gh), body: { email: 'a@example.com' } as never }));
    expect(missing.response.status).toBe(422);
  });
});
