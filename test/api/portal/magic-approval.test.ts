import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as portal from '../../../generated/portal/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { auditMessages, rows } from '../../support/db-assert.js';
import type { TestGatehouse } from '../../support/gatehouse.js';
import { claimsOf, createOrganization, createUser, latestCode, NOT_AUTHENTICATED, portalClient, signIn, startPortalGatehouse, type Org } from '../../support/portal.js';
import { must } from '../../support/simple-auth.js';

const DETAIL = 'If the address belongs to an account, a sign-in code has been sent to it.';

describe.each(DATABASES)('portal magic codes and push approval on %s', (kind) => {
  let gh: TestGatehouse;
  let northwind: Org;
  let lena: Awaited<ReturnType<typeof createUser>>;
  let mike: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    gh = await startPortalGatehouse(kind);
    northwind = await createOrganization(gh, 'Northwind Traders');
    lena = await createUser(gh, 'lena', { memberOf: [[northwind, 'member']] });
    mike = await createUser(gh, 'mike');
  });
  afterAll(async () => gh?.stop());

  const anonymous = () => portalClient(gh);
  const status = async (email: string, sessionId: string) => must(await portal.loginStatus({ client: anonymous(), query: { email, session_id: sessionId } }));
  const approve = async (token: string, body: { login_session_id?: string; session_id?: string }) => must(await portal.approve2Fa({ client: portalClient(gh, token), body: body as never }));
  const reject = async (token: string, body: { login_session_id: string }) => must(await portal.reject2Fa({ client: portalClient(gh, token), body }));

  it('answers known and unknown emails alike; mails and stores (hashed) a code only for the known one', async () => {
    const known = must(await portal.requestMagicCode({ client: anonymous(), body: { email: lena.email, client_id: 'northwind-web' } }));
    const unknown = must(await portal.requestMagicCode({ client: anonymous(), body: { email: 'nobody@example.com' } }));
    for (const result of [known, unknown]) {
      expect(result.response.status).toBe(200);
      expect(result.data).toEqual({ detail: DETAIL, login_session_id: expect.stringMatching(/^[\w-]{43}$/) });
    }
    const code = await latestCode(gh, lena.email, 1);
    expect(gh.mail.filter((m) => m.to === 'nobody@example.com')).toEqual([]);
    const [decoy] = await rows(gh.runtime.db, 'portal_login_sessions', { email: 'nobody@example.com' });
    expect(decoy).toMatchObject({ account_id: null, code_hash: null, status: 'pending' });
    const [real] = await rows(gh.runtime.db, 'portal_login_sessions', { account_id: lena.account.id });
    expect(real).toMatchObject({ kind: 'magic-code', client_id: 'northwind-web', status: 'pending' });
    expect(JSON.stringify(real)).not.toContain(code);
    expect(await auditMessages(gh.runtime.db, lena.account.id)).toContain('Magic code requested for northwind-web');
    const decoyAudit = await gh.runtime.db('audit_records').whereNull('account_id').where('message', 'like', '%decoy%');
    expect(decoyAudit).toHaveLength(1);
    // The decoy polls like a real pending sign-in.
    expect((await status('nobody@example.com', unknown.data!.login_session_id!)).data).toEqual({ status: 'pending' });
  });

  it('redeems a portal magic code for tokens of that portal; a new code voids the previous one', async () => {
    const first = must(await portal.portalRequestMagicCode({ client: anonymous(), body: { email: lena.email, portal_id: northwind.uuid } }));
    const old = await latestCode(gh, lena.email, 2);
    const second = must(await portal.portalRequestMagicCode({ client: anonymous(), body: { email: lena.email, portal_id: northwind.uuid } }));
    const code = await latestCode(gh, lena.email, 3);
    const stale = must(await portal.portalVerify2Fa({ client: anonymous(), body: { email: lena.email, code: old, login_session_id: first.data!.login_session_id! } }));
    expect([stale.response.status, stale.error]).toEqual([400, { detail: 'Invalid or expired code' }]);
    const ok = must(await portal.portalVerify2Fa({ client: anonymous(), body: { email: lena.email, code, login_session_id: second.data!.login_session_id! } }));
    expect(ok.response.status).toBe(200);
    expect(claimsOf(ok.data!.access_token)).toMatchObject({ sub: lena.account.uuid, org: northwind.uuid });

    // A non-member of the portal gets the same answer and no mail.
    const foreign = must(await portal.portalRequestMagicCode({ client: anonymous(), body: { email: mike.email, portal_id: northwind.uuid } }));
    expect(foreign.data!.detail).toBe(DETAIL);
    expect(gh.mail.filter((m) => m.to === mike.email)).toEqual([]);
  });

  it('approval from a signed-in device hands the tokens to the first poll only', async () => {
    const started = must(await portal.requestMagicCode({ client: anonymous(), body: { email: lena.email } }));
    const sessionId = started.data!.login_session_id!;
    expect((await status(lena.email, sessionId)).data).toEqual({ status: 'pending' });
    // Polling faster than every 2 seconds is refused.
    const fast = await status(lena.email, sessionId);
    expect([fast.response.status, fast.error]).toEqual([429, { detail: 'Polling too fast' }]);
    expect(fast.response.headers.get('retry-after')).toBe('2');

    const device = await signIn(gh, lena.email, lena.password);
    const approved = await approve(device.access_token, { session_id: sessionId });
    expect([approved.response.status, approved.data]).toEqual([200, { status: 'approved' }]);
    expect((await approve(device.access_token, { login_session_id: sessionId })).data).toEqual({ status: 'approved' });

    gh.clock.advance(2);
    const collected = await status(lena.email, sessionId);
    expect(collected.response.headers.get('cache-control')).toBe('no-store');
    expect(collected.data).toEqual({ status: 'approved', access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'bearer' });
    expect(claimsOf(collected.data!.access_token!)).toMatchObject({ sub: lena.account.uuid, org: northwind.uuid });
    gh.clock.advance(2);
    expect((await status(lena.email, sessionId)).data).toEqual({ status: 'approved' });
    gh.clock.advance(600);
    expect((await status(lena.email, sessionId)).data).toEqual({ status: 'expired' });
    expect(await auditMessages(gh.runtime.db, lena.account.id)).toEqual(expect.arrayContaining(['Sign-in approved from a signed-in device', 'Login Successful (approved sign-in)']));
  });

  it('rejection stops the code and reports rejected; decisions are final (409), foreign (403), unknown (404)', async () => {
    const started = must(await portal.requestMagicCode({ client: anonymous(), body: { email: lena.email } }));
    const sessionId = started.data!.login_session_id!;
    const code = await latestCode(gh, lena.email);
    const lenaDevice = await signIn(gh, lena.email, lena.password);
    const mikeDevice = await signIn(gh, mike.email, mike.password);

    const foreign = await approve(mikeDevice.access_token, { login_session_id: sessionId });
    expect([foreign.response.status, foreign.error]).toEqual([403, { detail: 'Login session belongs to another user' }]);
    const rejected = await reject(lenaDevice.access_token, { login_session_id: sessionId });
    expect([rejected.response.status, rejected.data]).toEqual([200, { status: 'rejected' }]);
    expect((await reject(lenaDevice.access_token, { login_session_id: sessionId })).data).toEqual({ status: 'rejected' });
    const late = await approve(lenaDevice.access_token, { login_session_id: sessionId });
    expect([late.response.status, late.error]).toEqual([409, { detail: 'Login session already decided' }]);

    gh.clock.advance(2);
    expect((await status(lena.email, sessionId)).data).toEqual({ status: 'rejected' });
    const blocked = must(await portal.portalVerify2Fa({ client: anonymous(), body: { email: lena.email, code, login_session_id: sessionId } }));
    expect(blocked.response.status).toBe(400);
    expect(await auditMessages(gh.runtime.db, lena.account.id)).toContain('Sign-in rejected from a signed-in device');

    const unknown = await approve(lenaDevice.access_token, { login_session_id: 'no-such-session' });
    expect([unknown.response.status, unknown.error]).toEqual([404, { detail: 'Login session not found' }]);
    const anonymousApproval = await approve('', { login_session_id: sessionId });
    expect([anonymousApproval.response.status, anonymousApproval.error]).toEqual([401, NOT_AUTHENTICATED]);
  });

  it('is no oracle: an unknown session or a mismatched email polls as expired; missing parameters are 422', async () => {
    gh.clock.advance(900); // a fresh window of the per-email mail limit (5 per 15 minutes)
    const started = must(await portal.requestMagicCode({ client: anonymous(), body: { email: lena.email } }));
    expect((await status('mike@example.com', started.data!.login_session_id!)).data).toEqual({ status: 'expired' });
    expect((await status(lena.email, 'unknown-session')).data).toEqual({ status: 'expired' });
    const missing = must(await portal.loginStatus({ client: anonymous(), query: { email: lena.email } as never }));
    expect(missing.response.status).toBe(422);
    expect(missing.error).toEqual({ detail: [{ loc: ['query', 'session_id'], msg: expect.any(String), type: 'value_error' }] });
  });

  it('limits mails per email (429 + Retry-After), known and unknown alike', async () => {
    for (const email of ['nina@example.com', 'unknown-nina@example.com']) {
      if (email === 'nina@example.com') await createUser(gh, 'nina');
      for (let i = 0; i < 5; i++) expect(must(await portal.requestMagicCode({ client: anonymous(), body: { email } })).response.status).toBe(200);
      const limited = must(await portal.requestMagicCode({ client: anonymous(), body: { email } }));
      expect([limited.response.status, limited.error]).toEqual([429, { detail: 'Too many requests. Try again later.' }]);
      expect(Number(limited.response.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });
});
