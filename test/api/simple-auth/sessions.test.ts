import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sa from '../../../generated/simple-auth/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { accountRow, auditMessages, rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { must, simpleAuthCaller } from '../../support/simple-auth.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe.each(DATABASES)('simple-auth sessions on %s', (kind) => {
  let gh: TestGatehouse;
  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { login: { maxFailuresPerUser: 3, windowSeconds: 600 }, sessions: { idleSeconds: 600, absoluteSeconds: 3600 } } });
    const { client } = await simpleAuthCaller(gh);
    for (const username of ['linus', 'margaret', 'barbara', 'frances', 'karen']) {
      must(await sa.createAccount({ client, body: { username, email: `${username}@example.com`, password: `${username}-password` } }));
    }
  });
  afterAll(async () => gh?.stop());

  it('logs in by username or email, sets an HttpOnly SameSite cookie, and gives a new session each time', async () => {
    const { client, browser } = await simpleAuthCaller(gh);
    const first = must(await sa.createSession({ client, body: { username: 'linus', password: 'linus-password' } }));
    expect(first.response.status).toBe(200);
    expect(first.data).toEqual({ success: true });
    const setCookie = first.response.headers.getSetCookie().find((c) => c.startsWith('auth='))!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const firstCookie = browser.cookies.get('auth')!;

    const second = must(await sa.createSession({ client, body: { username: 'LINUS@example.com', password: 'linus-password' } }));
    expect(second.response.status).toBe(200);
    const secondCookie = browser.cookies.get('auth')!;
    expect(secondCookie).not.toBe(firstCookie);
    const account = await accountRow(gh.runtime.db, 'linus');
    const sessions = await rows(gh.runtime.db, 'sessions', { account_id: account!.id });
    expect(sessions.map((s) => [s.token_hash, s.revoked_at !== null])).toEqual([
      [sha256(firstCookie), true],
      [sha256(secondCookie), false],
    ]);
  });

  it('answers unknown users and wrong passwords alike, records the failure and audits the known account', async () => {
    const { client } = await simpleAuthCaller(gh);
    const wrong = must(await sa.createSession({ client, body: { username: 'margaret', password: 'not-her-password' } }));
    const unknown = must(await sa.createSession({ client, body: { username: 'nobody-here', password: 'whatever-pass' } }));
    expect(wrong.response.status).toBe(401);
    expect(unknown.response.status).toBe(401);
    expect(wrong.error).toEqual({ error: true, message: 'invalid-credentials', reason: 'invalid-credentials' });
    expect(unknown.error).toEqual(wrong.error);
    const account = await accountRow(gh.runtime.db, 'margaret');
    const attempts = await rows(gh.runtime.db, 'login_attempts', { scope: 'user' });
    expect(attempts.filter((a) => a.attempt_key === `account:${account!.id}`).map((a) => a.reason)).toEqual(['bad_password']);
    expect(attempts.filter((a) => a.attempt_key === 'name:nobody-here').map((a) => a.reason)).toEqual(['unknown_user']);
    expect(await auditMessages(gh.runtime.db, Number(account!.id))).toEqual(['Account created', 'Login failed']);
  });

  it('throttles a username after repeated failures with 429 and Retry-After, counted in the database', async () => {
    const { client } = await simpleAuthCaller(gh);
    for (let i = 0; i < 3; i++) must(await sa.createSession({ client, body: { username: 'barbara', password: 'wrong-password' } }));
    // Even the right password is refused while the lock holds.
    const locked = must(await sa.createSession({ client, body: { username: 'barbara', password: 'barbara-password' } }));
    expect(locked.response.status).toBe(429);
    expect(locked.error).toMatchObject({ reason: 'throttled' });
    const retryAfter = Number(locked.response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);

    gh.clock.advance(601);
    const after = must(await sa.createSession({ client, body: { username: 'barbara', password: 'barbara-password' } }));
    expect(after.response.status).toBe(200);
  });

  it('logout revokes the session in the database, so a copied cookie stops working too', async () => {
    const { client, browser } = await simpleAuthCaller(gh);
    must(await sa.createSession({ client, body: { username: 'frances', password: 'frances-password' } }));
    const stolen = browser.cookies.get('auth')!;
    const out = must(await sa.deleteSession({ client }));
    expect(out.response.status).toBe(200);
    expect(out.data).toEqual({ success: true });
    expect(out.response.headers.getSetCookie().find((c) => c.startsWith('auth='))).toMatch(/Expires=Thu, 01 Jan 1970/);
    const [session] = await rows(gh.runtime.db, 'sessions', { token_hash: sha256(stolen) });
    expect(session!.revoked_at).not.toBeNull();

    const replay = await simpleAuthCaller(gh);
    replay.browser.cookies.set('auth', stolen);
    const denied = must(await sa.getAccount({ client: replay.client }));
    expect(denied.response.status).toBe(401);
  });

  it('ends a session after the idle time and refuses disabled accounts at once', async () => {
    const { client } = await simpleAuthCaller(gh);
    must(await sa.createSession({ client, body: { username: 'karen', password: 'karen-password' } }));
    expect(must(await sa.getLocalAuth({ client })).response.status).toBe(200);
    gh.clock.advance(601);
    expect(must(await sa.getLocalAuth({ client })).response.status).toBe(401);

    must(await sa.createSession({ client, body: { username: 'karen', password: 'karen-password' } }));
    await gh.runtime.db('accounts').where({ username: 'karen' }).update({ active: false });
    expect(must(await sa.getLocalAuth({ client })).response.status).toBe(401);
    // Only after the correct password does the caller learn that the account is disabled.
    const wrong = must(await sa.createSession({ client, body: { username: 'karen', password: 'wrong-password' } }));
    expect(wrong.error).toMatchObject({ reason: 'invalid-credentials' });
    const right = must(await sa.createSession({ client, body: { username: 'karen', password: 'karen-password' } }));
    expect(right.error).toMatchObject({ reason: 'inactive-account' });
  });

  it('changes the password only with the old one, applies the rules, and ends the other sessions', async () => {
    const laptop = await simpleAuthCaller(gh);
    const phone = await simpleAuthCaller(gh);
    must(await sa.createSession({ client: laptop.client, body: { username: 'linus', password: 'linus-password' } }));
    must(await sa.createSession({ client: phone.client, body: { username: 'linus', password: 'linus-password' } }));

    const wrongOld = must(await sa.changePassword({ client: laptop.client, body: { oldpassword: 'nope-nope', newpassword: 'linus-new-password' } }));
    expect(wrongOld.response.status).toBe(401);
    expect(wrongOld.error).toMatchObject({ reason: 'invalid-credentials' });
    const tooShort = must(await sa.changePassword({ client: laptop.client, body: { oldpassword: 'linus-password', newpassword: 'short' } }));
    expect(tooShort.response.status).toBe(400);
    expect(tooShort.error).toMatchObject({ reason: 'credentials-failed-requirements', message: 'password too short' });

    const changed = must(await sa.changePassword({ client: laptop.client, body: { oldpassword: 'linus-password', newpassword: 'linus-new-password' } }));
    expect(changed.response.status).toBe(200);
    expect(changed.data).toEqual({ username: 'linus', twofactor: false, twofactorallowed: true, requireOldPassword: true });
    expect(must(await sa.getLocalAuth({ client: laptop.client })).response.status).toBe(200);
    expect(must(await sa.getLocalAuth({ client: phone.client })).response.status).toBe(401);

    const old = must(await sa.createSession({ client: phone.client, body: { username: 'linus', password: 'linus-password' } }));
    expect(old.response.status).toBe(401);
    const account = await accountRow(gh.runtime.db, 'linus');
    expect(await auditMessages(gh.runtime.db, Number(account!.id))).toContain('Password updated');
  });
});
