import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sa from '../../../generated/simple-auth/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { accountRow, auditMessages, rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { must, simpleAuthCaller } from '../../support/simple-auth.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe.each(DATABASES)('simple-auth one-time login on %s', (kind) => {
  let gh: TestGatehouse;
  beforeAll(async () => {
    gh = await startGatehouse(kind, {
      settings: {
        onetime: { allowForgotPassword: true, tokenSeconds: 600 },
        login: { landingPage: '/welcome', allowedContinueUrls: ['https://app\\.example\\.com/.*'] },
      },
    });
    const { client } = await simpleAuthCaller(gh);
    must(await sa.createAccount({ client, body: { username: 'alan', email: 'alan@example.com', password: 'alan-password' } }));
  });
  afterAll(async () => gh?.stop());

  async function mailedToken(): Promise<string> {
    const { client } = await simpleAuthCaller(gh);
    const before = gh.mail.length;
    const sent = must(await sa.createOnetime({ client, body: { email: 'ALAN@example.com' } }));
    expect(sent.response.status).toBe(200);
    expect(sent.data).toEqual({ success: true });
    await expect.poll(() => gh.mail.length).toBe(before + 1);
    const link = /https?:\/\/\S+/.exec(gh.mail.at(-1)!.text)![0];
    return new URL(link).searchParams.get('token')!;
  }

  it('mails a link whose token is stored only as a hash, and logs in once with it', async () => {
    const token = await mailedToken();
    const [stored] = await rows(gh.runtime.db, 'one_time_tokens');
    expect(stored).toMatchObject({ purpose: 'onetime-login', token_hash: sha256(token), used_at: null });

    const { client, browser } = await simpleAuthCaller(gh);
    const login = must(await sa.onetimeAuthenticate({ client, query: { token, continue: 'https://app.example.com/reports' } }));
    expect(login.response.status).toBe(302);
    expect(login.response.headers.get('location')).toBe('https://app.example.com/reports');
    expect(browser.cookies.get('auth')).toBeDefined();
    // A session from a one-time link may set a new password without the old one (reset flow).
    const local = must(await sa.getLocalAuth({ client }));
    expect(local.data).toMatchObject({ username: 'alan', requireOldPassword: false });

    const reused = must(await sa.onetimeAuthenticate({ client: (await simpleAuthCaller(gh)).client, query: { token } }));
    expect(reused.response.status).toBe(401);
    expect(reused.error).toMatchObject({ reason: 'invalid-token' });
    const account = await accountRow(gh.runtime.db, 'alan');
    expect(await auditMessages(gh.runtime.db, Number(account!.id))).toEqual([
      'Account created',
      'One time token issued for account, expires in 600s',
      'One time token consumed for login',
    ]);
  });

  it('sends disallowed continue URLs to the landing page and answers JSON callers without a redirect', async () => {
    const first = await mailedToken();
    const { client } = await simpleAuthCaller(gh);
    const evil = must(await sa.onetimeAuthenticate({ client, query: { token: first, continue: 'https://evil.example.net/' } }));
    expect(evil.response.status).toBe(302);
    expect(evil.response.headers.get('location')).toBe('/welcome');

    const second = await mailedToken();
    const json = must(await sa.onetimeAuthenticate({ client, query: { token: second }, headers: { Accept: 'application/json' } }));
    expect(json.response.status).toBe(200);
    expect(json.data).toEqual({ success: true });
  });

  it('refuses an expired token without consuming it, and a made-up one', async () => {
    const token = await mailedToken();
    gh.clock.advance(601);
    const { client } = await simpleAuthCaller(gh);
    const expired = must(await sa.onetimeAuthenticate({ client, query: { token } }));
    expect(expired.response.status).toBe(401);
    expect(expired.error).toMatchObject({ reason: 'expired' });
    const [row] = await rows(gh.runtime.db, 'one_time_tokens', { token_hash: sha256(token) });
    expect(row!.used_at).toBeNull();

    const madeUp = must(await sa.onetimeAuthenticate({ client, query: { token: 'Zm9yZ2VkLXRva2VuLWZvcmdlZC10b2tlbi1mb3JnZWQ' } }));
    expect(madeUp.response.status).toBe(401);
    expect(madeUp.error).toMatchObject({ reason: 'invalid-token' });
  });

  it('answers the same for an unknown address and sends nothing (no enumeration)', async () => {
    const { client } = await simpleAuthCaller(gh);
    const before = gh.mail.length;
    const result = must(await sa.createOnetime({ client, body: { email: 'stranger@example.com' } }));
    expect(result.response.status).toBe(200);
    expect(result.data).toEqual({ success: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(gh.mail.length).toBe(before);
  });
});

describe.each(DATABASES)('simple-auth one-time login switched off on %s', (kind) => {
  let gh: TestGatehouse;
  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { onetime: { allowForgotPassword: false } } });
  });
  afterAll(async () => gh?.stop());

  it('refuses to mail links when forgot-password is off', async () => {
    const { client } = await simpleAuthCaller(gh);
    const result = must(await sa.createOnetime({ client, body: { email: 'alan@example.com' } }));
    expect(result.response.status).toBe(403);
    expect(result.error).toMatchObject({ reason: 'forgot-password-disabled' });
  });
});
