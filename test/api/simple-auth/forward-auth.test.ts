import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sa from '../../../generated/simple-auth/sdk.gen.js';
import type { VouchData } from '../../../generated/simple-auth/types.gen.js';
import { DATABASES } from '../../support/databases.js';
import { accountRow, auditMessages, rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { backend, sha256, signedIn } from '../../support/oauth2.js';
import { callerWithCookie, enrolTotp, must } from '../../support/simple-auth.js';
import { totpAt } from '../../support/totp-reference.js';

const UNAUTHORIZED = { error: true, message: 'Request did not pass any authentication schemes', reason: 'unauthorized' };
const LOGIN_BASE = 'https://sso.example.com/gatehouse';
const FORWARDED = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'app.example.com', 'X-Forwarded-Uri': '/reports?q=1&r=2' };

/** GET /auth/vouch: what nginx auth_request / traefik forwardAuth ask on every proxied request. */
describe.each(DATABASES)('simple-auth forward auth (vouch) on %s', (kind) => {
  let gh: TestGatehouse;
  beforeAll(async () => {
    gh = await startGatehouse(kind, {
      // Behind a proxy under a path prefix, as a deployment sharing one host might be.
      settings: { server: { publicUrl: LOGIN_BASE }, authenticators: { vouch: { enabled: true, userHeader: 'X-User-Id' } }, sessions: { idleSeconds: 600 } },
    });
  });
  afterAll(async () => gh?.stop());

  const vouchWith = async (cookie: string, options: Pick<VouchData, 'query' | 'headers'> = {}) =>
    must(await sa.vouch({ client: (await callerWithCookie(gh, cookie)).client, ...options }));

  it('vouches for a live session with 200 and the account id in the configured user header', async () => {
    const vera = await signedIn(gh, 'vera');
    const ok = must(await sa.vouch({ client: vera.client }));
    expect(ok.response.status).toBe(200);
    expect(ok.data).toEqual({ success: true });
    expect(ok.response.headers.get('x-user-id')).toBe(vera.uuid);
    // A proxy or CDN must never answer the next user's auth_request from a cache.
    expect(ok.response.headers.get('cache-control')).toBe('no-store');
    // The proxy never returns cookies: vouch sets none (no CSRF cookie minted per proxied request).
    expect(ok.response.headers.getSetCookie()).toEqual([]);
  });

  it('answers 401 in the simple-auth error shape without a session, with a bogus cookie and with forward=false', async () => {
    const anonymous = await backend(gh);
    for (const result of [await sa.vouch({ client: anonymous.client }), await vouchWith('not-a-session'), await sa.vouch({ client: anonymous.client, query: { forward: 'false' } })]) {
      const denied = must(result);
      expect(denied.response.status).toBe(401);
      expect(denied.error).toEqual(UNAUTHORIZED);
      expect(denied.response.headers.get('x-user-id')).toBeNull();
    }
  });

  it('with forward=true sends the browser to the login page with continue built from X-Forwarded-*', async () => {
    const anonymous = await backend(gh);
    const forward = async (headers: VouchData['headers'], query: VouchData['query'] = {}) =>
      must(await sa.vouch({ client: anonymous.client, query: { forward: 'true', ...query }, headers }));
    const redirected = await forward(FORWARDED);
    expect(redirected.response.status).toBe(307);
    expect(redirected.response.headers.get('location')).toBe(`${LOGIN_BASE}/login?continue=${encodeURIComponent('https://app.example.com/reports?q=1&r=2')}`);
    expect(redirected.error).toEqual(UNAUTHORIZED);

    const continueOf = (response: Response) => new URL(response.headers.get('location')!).searchParams.get('continue');
    // The proto defaults to http; behind a chain of proxies the first (client-facing) value counts.
    expect(continueOf((await forward({ 'X-Forwarded-Host': 'app.example.com', 'X-Forwarded-Uri': '/' })).response)).toBe('http://app.example.com/');
    expect(continueOf((await forward({ 'X-Forwarded-Proto': 'https, http', 'X-Forwarded-Host': 'app.example.com, internal:8080', 'X-Forwarded-Uri': '/a' })).response)).toBe('https://app.example.com/a');
    // An explicit continue wins over the headers.
    expect(continueOf((await forward(FORWARDED, { continue: 'https://wiki.example.com/x' })).response)).toBe('https://wiki.example.com/x');
    // No host, or headers that would move the URL to another authority: no continue at all.
    for (const headers of [{}, { ...FORWARDED, 'X-Forwarded-Uri': '@evil.example/' }, { ...FORWARDED, 'X-Forwarded-Host': 'app.example.com/@evil.example' }, { ...FORWARDED, 'X-Forwarded-Proto': 'javascript' }]) {
      expect((await forward(headers)).response.headers.get('location')).toBe(`${LOGIN_BASE}/login`);
    }
  });

  it('refuses a session at once after logout (DELETE /auth/session), also a copied cookie', async () => {
    const wanda = await signedIn(gh, 'wanda');
    const cookie = wanda.browser.cookies.get('auth')!;
    expect((await vouchWith(cookie)).response.status).toBe(200);

    expect(must(await sa.deleteSession({ client: wanda.client })).response.status).toBe(200);
    const [session] = await rows(gh.runtime.db, 'sessions', { token_hash: sha256(cookie) });
    expect(session!.revoked_at).not.toBeNull();
    const replay = await vouchWith(cookie);
    expect(replay.response.status).toBe(401);
    expect(replay.error).toEqual(UNAUTHORIZED);
    // A dead session with forward=true is sent to log in again, like a missing one.
    expect((await vouchWith(cookie, { query: { forward: 'true' }, headers: FORWARDED })).response.status).toBe(307);
  });

  it('refuses a disabled account at once, and its live session again once it is re-enabled', async () => {
    const otto = await signedIn(gh, 'otto');
    const cookie = otto.browser.cookies.get('auth')!;
    expect((await vouchWith(cookie)).response.status).toBe(200);
    await gh.runtime.db('accounts').where({ username: 'otto' }).update({ active: false });
    expect((await vouchWith(cookie)).response.status).toBe(401);
    await gh.runtime.db('accounts').where({ username: 'otto' }).update({ active: true });
    expect((await vouchWith(cookie)).response.status).toBe(200);
  });

  it('slides the idle expiry while vouched for, ends the session once idle, and writes no audit rows', async () => {
    const ida = await signedIn(gh, 'ida');
    const cookie = ida.browser.cookies.get('auth')!;
    gh.clock.advance(300);
    expect((await vouchWith(cookie)).response.status).toBe(200);
    gh.clock.advance(500); // past the first idle deadline, inside the slid one
    expect((await vouchWith(cookie)).response.status).toBe(200);
    gh.clock.advance(601);
    expect((await vouchWith(cookie)).response.status).toBe(401);
    // vouch runs on every proxied request: an audit row each would drown the trail.
    const account = await accountRow(gh.runtime.db, 'ida');
    expect(await auditMessages(gh.runtime.db, Number(account!.id))).toEqual(['Account created']);
  });
});

const SECRET = 'simple-auth-shared-secret-0123456789';

/** POST /auth/simple: a back end checks a user's password (and TOTP) without a session. */
describe.each(DATABASES)('simple-auth /auth/simple behind a shared secret on %s', (kind) => {
  let gh: TestGatehouse;
  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { authenticators: { simple: { enabled: true, sharedSecret: SECRET } } } });
  });
  afterAll(async () => gh?.stop());

  const check = async (body: { username: string; password: string; totp?: string }, headers: Record<string, string> = { Authorization: `Bearer ${SECRET}` }) =>
    must(await sa.simpleAuthenticate({ client: (await backend(gh)).client, body, headers }));

  it('answers the right secret and password with 200 {id, username}, audits it and starts no session', async () => {
    const sam = await signedIn(gh, 'sam');
    const ok = must(await sa.simpleAuthenticate({ client: (await backend(gh)).client, auth: SECRET, body: { username: 'SAM@example.com', password: 'sam-password' } }));
    expect(ok.response.status).toBe(200);
    expect(ok.data).toEqual({ id: sam.uuid, username: 'sam' });
    expect(ok.response.headers.getSetCookie().filter((c) => c.startsWith('auth='))).toEqual([]);
    const account = await accountRow(gh.runtime.db, 'sam');
    expect(await rows(gh.runtime.db, 'sessions', { account_id: account!.id })).toHaveLength(1); // signedIn's own
    const [audit] = await rows(gh.runtime.db, 'audit_records', { account_id: account!.id, request_id: ok.response.headers.get('x-request-id') });
    expect(audit).toMatchObject({ module: 'auth:simple', message: 'Login Successful' });
  });

  it('answers a wrong password and an unknown user alike with 403 invalid-credentials, and counts the failure', async () => {
    await signedIn(gh, 'pia');
    const wrong = await check({ username: 'pia', password: 'not-pias-password' });
    const unknown = await check({ username: 'nobody-at-all', password: 'not-pias-password' });
    for (const refused of [wrong, unknown]) {
      expect(refused.response.status).toBe(403);
      expect(refused.error).toEqual({ error: true, message: 'invalid-credentials', reason: 'invalid-credentials' });
    }
    const account = await accountRow(gh.runtime.db, 'pia');
    // Failures are recorded against the account (its one guess budget), unknown names by name.
    const attempts = await rows(gh.runtime.db, 'login_attempts', { scope: 'user', attempt_key: `account:${account!.id}` });
    expect(attempts.map((a) => a.reason)).toEqual(['bad_password']);
    expect((await rows(gh.runtime.db, 'login_attempts', { scope: 'user', attempt_key: 'name:nobody-at-all' })).map((a) => a.reason)).toEqual(['unknown_user']);
    expect(await auditMessages(gh.runtime.db, Number(account!.id))).toContain('Login failed');
  });

  it('refuses a missing, wrong or non-Bearer secret with 401 invalid-auth-token before looking at the password', async () => {
    await signedIn(gh, 'rex');
    const attempts: Record<string, string>[] = [{}, { Authorization: 'Bearer' }, { Authorization: 'Bearer wrong-secret-wrong-secret-000' }, { Authorization: `Basic ${Buffer.from(`x:${SECRET}`).toString('base64')}` }, { Authorization: `Bearer ${SECRET} extra` }];
    for (const headers of attempts) {
      const refused = await check({ username: 'rex', password: 'wrong-password' }, headers);
      expect(refused.response.status).toBe(401);
      expect(refused.error).toEqual({ error: true, message: 'invalid auth token', reason: 'invalid-auth-token' });
      expect(refused.response.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect(await rows(gh.runtime.db, 'login_attempts', { attempt_key: 'rex' })).toEqual([]);
    // The auth scheme is case-insensitive (RFC 9110 §11.1).
    expect((await check({ username: 'rex', password: 'rex-password' }, { Authorization: `bearer ${SECRET}` })).response.status).toBe(200);
  });

  it('needs the TOTP code of an account with 2FA, refuses a wrong or replayed one, and says inactive-account last', async () => {
    const tia = await signedIn(gh, 'tia');
    const secret = await enrolTotp(gh, tia);
    gh.clock.advance(30); // the enrolment code's step is spent
    const code = totpAt(secret, gh.clock.now());
    expect((await check({ username: 'tia', password: 'tia-password' })).error).toMatchObject({ reason: 'totp-missing' });
    expect((await check({ username: 'tia', password: 'tia-password', totp: code === '000000' ? '111111' : '000000' })).error).toMatchObject({ reason: 'totp-failed' });
    const ok = await check({ username: 'tia', password: 'tia-password', totp: code });
    expect(ok.response.status).toBe(200);
    expect(ok.data).toEqual({ id: tia.uuid, username: 'tia' });
    const replay = await check({ username: 'tia', password: 'tia-password', totp: code });
    expect(replay.response.status).toBe(403);
    expect(replay.error).toMatchObject({ reason: 'totp-failed' });

    await gh.runtime.db('accounts').where({ username: 'tia' }).update({ active: false });
    expect((await check({ username: 'tia', password: 'wrong-password' })).error).toMatchObject({ reason: 'invalid-credentials' });
    expect((await check({ username: 'tia', password: 'tia-password' })).error).toMatchObject({ reason: 'inactive-account' });
  });
});

/** Both endpoints are off by default: a deployment opts in to each. */
describe.each(DATABASES)('simple-auth forward-auth endpoints switched off on %s', (kind) => {
  let gh: TestGatehouse;
  beforeAll(async () => {
    gh = await startGatehouse(kind);
  });
  afterAll(async () => gh?.stop());

  it('answers vouch with 404 vouch-disabled, even for a live session', async () => {
    const user = await signedIn(gh, 'nina');
    const off = must(await sa.vouch({ client: user.client, query: { forward: 'true' } }));
    expect(off.response.status).toBe(404);
    expect(off.error).toEqual({ error: true, message: 'vouch is disabled', reason: 'vouch-disabled' });
  });

  it('answers /auth/simple with 404 simple-disabled, even for the right password', async () => {
    await signedIn(gh, 'nora');
    const off = must(await sa.simpleAuthenticate({ client: (await backend(gh)).client, body: { username: 'nora', password: 'nora-password' } }));
    expect(off.response.status).toBe(404);
    expect(off.error).toEqual({ error: true, message: 'simple authentication is disabled', reason: 'simple-disabled' });
    expect(await rows(gh.runtime.db, 'audit_records', { message: 'Login Successful' })).toEqual([]);
  });
});
