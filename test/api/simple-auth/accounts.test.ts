import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sa from '../../../generated/simple-auth/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { accountRow, auditMessages, rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { must, simpleAuthCaller } from '../../support/simple-auth.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe.each(DATABASES)('simple-auth accounts on %s', (kind) => {
  let gh: TestGatehouse;
  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { accounts: { emailValidationRequired: false } } });
  });
  afterAll(async () => gh?.stop());

  it('creates an account, stores only a bcrypt hash, audits it, and opens a session when asked', async () => {
    const { client, browser } = await simpleAuthCaller(gh);
    const created = must(await sa.createAccount({ client, body: { username: 'Ada.Lovelace', email: 'Ada@Example.COM', password: 'analytical-engine' }, query: { createSession: true } }));
    expect(created.response.status).toBe(200);
    expect(created.data).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), createdSession: true });

    const row = await accountRow(gh.runtime.db, 'ada.lovelace');
    expect(row).toMatchObject({ uuid: created.data!.id, email: 'ada@example.com', display_name: 'Ada.Lovelace' });
    expect(String(row!.password_hash)).toMatch(/^\$2[aby]\$04\$/);
    expect(String(row!.password_hash)).not.toContain('analytical-engine');
    expect(await auditMessages(gh.runtime.db, Number(row!.id))).toEqual(['Account created']);

    const cookie = browser.cookies.get('auth')!;
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [session] = await rows(gh.runtime.db, 'sessions', { account_id: row!.id });
    // Only the SHA-256 of the cookie is stored, never the cookie itself.
    expect(session).toMatchObject({ token_hash: sha256(cookie), kind: 'simple-auth', source: 'login' });

    const me = must(await sa.getAccount({ client }));
    expect(me.response.status).toBe(200);
    expect(me.data).toMatchObject({ id: created.data!.id, email: 'ada@example.com', name: 'Ada.Lovelace', auth: { local: { username: 'ada.lovelace', twofactor: false } } });
  });

  it('refuses a taken username (409) and a taken email in any case (400), writing nothing', async () => {
    const { client } = await simpleAuthCaller(gh);
    must(await sa.createAccount({ client, body: { username: 'grace', email: 'grace@example.com', password: 'compiler-first' } }));
    const before = (await rows(gh.runtime.db, 'accounts')).length;

    const sameName = must(await sa.createAccount({ client, body: { username: 'GRACE', email: 'other@example.com', password: 'compiler-first' } }));
    expect(sameName.response.status).toBe(409);
    expect(sameName.error).toEqual({ error: true, message: expect.any(String), reason: 'username-unavailable' });

    const sameEmail = must(await sa.createAccount({ client, body: { username: 'hopper', email: 'Grace@Example.com', password: 'compiler-first' } }));
    expect(sameEmail.response.status).toBe(400);
    expect(sameEmail.error).toMatchObject({ reason: 'account-email-exists' });
    expect((await rows(gh.runtime.db, 'accounts')).length).toBe(before);
  });

  it('checks username and password rules before writing anything (no half-made account)', async () => {
    const { client } = await simpleAuthCaller(gh);
    const cases = [
      { username: 'x', password: 'long-enough-pw', message: 'username too short' },
      { username: '9lives', password: 'long-enough-pw', message: 'invalid username characters' },
      { username: 'shortpw', password: 'short', message: 'password too short' },
      // bcrypt reads 72 bytes at most: longer passwords are refused, never silently truncated
      { username: 'longpw', password: 'é'.repeat(40), message: 'password too long' },
    ];
    for (const c of cases) {
      const result = must(await sa.createAccount({ client, body: { username: c.username, email: `${c.username}@example.com`, password: c.password } }));
      expect(result.response.status, c.message).toBe(400);
      expect(result.error).toEqual({ error: true, reason: 'credentials-failed-requirements', message: c.message });
      expect(await accountRow(gh.runtime.db, c.username.toLowerCase())).toBeUndefined();
    }
  });

  it('refuses an invalid email and a call without the CSRF header', async () => {
    const { client, browser } = await simpleAuthCaller(gh);
    const badEmail = must(await sa.createAccount({ client, body: { username: 'bademail', email: 'not-an-email', password: 'long-enough-pw' } }));
    expect(badEmail.response.status).toBe(400);
    expect(badEmail.error).toMatchObject({ reason: 'bad-request' });

    browser.csrf = false;
    const noCsrf = must(await sa.createAccount({ client, body: { username: 'nocsrf', email: 'nocsrf@example.com', password: 'long-enough-pw' } }));
    expect(noCsrf.response.status).toBe(403);
    expect(noCsrf.error).toEqual({ error: true, message: 'invalid csrf token', reason: 'invalid-csrf-token' });
    expect(await accountRow(gh.runtime.db, 'nocsrf')).toBeUndefined();
  });

  it('tells whether a username is taken, ignoring case', async () => {
    const { client } = await simpleAuthCaller(gh);
    const taken = must(await sa.checkUsername({ client, body: { username: 'ADA.lovelace' } }));
    expect(taken.data).toEqual({ username: 'ADA.lovelace', exists: true });
    const free = must(await sa.checkUsername({ client, body: { username: 'babbage' } }));
    expect(free.data).toEqual({ username: 'babbage', exists: false });
  });

  it('answers 401 without a session and pages the audit trail newest first', async () => {
    const anonymous = await simpleAuthCaller(gh);
    const denied = must(await sa.getAccount({ client: anonymous.client }));
    expect(denied.response.status).toBe(401);
    expect(denied.error).toMatchObject({ error: true, reason: 'unauthorized' });

    const { client } = await simpleAuthCaller(gh);
    must(await sa.createSession({ client, body: { username: 'ada.lovelace', password: 'analytical-engine' } }));
    const audit = must(await sa.getAccountAudit({ client, query: { limit: 1 } }));
    expect(audit.response.status).toBe(200);
    expect(audit.data!.records).toEqual([{ ts: expect.any(String), module: 'auth:simple', level: 'info', message: 'Login Successful' }]);
    const next = must(await sa.getAccountAudit({ client, query: { offset: 1, limit: 10 } }));
    expect(next.data!.records.map((r) => r.message)).toEqual(['Account created']);
  });
});

describe.each(DATABASES)('simple-auth account switches and stipulations on %s', (kind) => {
  let gh: TestGatehouse;
  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { accounts: { emailValidationRequired: true } } });
  });
  afterAll(async () => gh?.stop());

  it('blocks login until the mailed stipulation token is presented, then lets the user in', async () => {
    const { client } = await simpleAuthCaller(gh);
    const created = must(await sa.createAccount({ client, body: { username: 'ellen', email: 'ellen@example.com', password: 'ellen-password' }, query: { createSession: true } }));
    expect(created.data).toEqual({ id: created.data!.id, hasStipulations: true });

    const blocked = must(await sa.createSession({ client, body: { username: 'ellen', password: 'ellen-password' } }));
    expect(blocked.response.status).toBe(401);
    expect(blocked.error).toMatchObject({ reason: 'unsatisfied-stipulations' });

    await new Promise((r) => setTimeout(r, 50));
    const mail = gh.mail.find((m) => m.to === 'ellen@example.com')!;
    const token = new URL(/https?:\/\/\S+/.exec(mail.text)![0]).searchParams.get('token')!;
    const [stipulation] = await rows(gh.runtime.db, 'account_stipulations');
    expect(stipulation!.token_hash).toBe(sha256(token));

    const wrong = must(await sa.satisfyStipulation({ client, body: { account: created.data!.id, token: 'not-the-token' } }));
    expect(wrong.response.status).toBe(401);
    expect(wrong.error).toMatchObject({ reason: 'no-stipulation-satisfied' });

    const ok = must(await sa.satisfyStipulation({ client, body: { account: created.data!.id, token } }));
    expect(ok.response.status).toBe(200);
    expect(ok.data).toEqual({ success: true });
    const account = await accountRow(gh.runtime.db, 'ellen');
    expect(await auditMessages(gh.runtime.db, Number(account!.id))).toEqual(['Account created', 'Login refused: unsatisfied stipulations', 'Unable to validate stipulation token', 'Stipulation token is satisfied']);

    const login = must(await sa.createSession({ client, body: { username: 'ellen', password: 'ellen-password' } }));
    expect(login.response.status).toBe(200);
  });
});

describe.each(DATABASES)('simple-auth with account creation switched off on %s', (kind) => {
  let gh: TestGatehouse;
  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { accounts: { createEnabled: false } } });
  });
  afterAll(async () => gh?.stop());

  it('refuses to create accounts', async () => {
    const { client } = await simpleAuthCaller(gh);
    const result = must(await sa.createAccount({ client, body: { username: 'nobody', email: 'nobody@example.com', password: 'long-enough-pw' } }));
    expect(result.response.status).toBe(403);
    expect(result.error).toMatchObject({ reason: 'account-creation-disabled' });
    expect(await rows(gh.runtime.db, 'accounts')).toEqual([]);
  });
});
