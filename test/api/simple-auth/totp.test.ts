import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sa from '../../../generated/simple-auth/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { accountRow, auditMessages } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { must, simpleAuthCaller, type SimpleAuthCaller } from '../../support/simple-auth.js';
import { totpAt } from '../../support/totp-reference.js';

// jsqr is CommonJS with a default export typed as ESM: take whichever the loader hands over.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = ((jsQRModule as unknown as { default?: Decode }).default ?? jsQRModule) as unknown as Decode;

describe.each(DATABASES)('simple-auth TOTP two-factor on %s', (kind) => {
  let gh: TestGatehouse;
  let ada: SimpleAuthCaller;
  let secret: string;

  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { twoFactor: { issuer: 'Gatehouse Test', drift: 1 } } });
    ada = await simpleAuthCaller(gh);
    must(await sa.createAccount({ client: ada.client, body: { username: 'ada', email: 'ada@example.com', password: 'ada-password' }, query: { createSession: true } }));
  });
  afterAll(async () => gh?.stop());

  const code = (offsetSteps = 0) => totpAt(secret, new Date(gh.clock.now().getTime() + offsetSteps * 30_000));

  it('hands out a fresh secret and a QR code that decodes to the otpauth URI', async () => {
    const issued = must(await sa.get2FaSecret({ client: ada.client }));
    expect(issued.response.status).toBe(200);
    secret = issued.data!.secret;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    const qr = await ada.browser.fetch(`${gh.url}/api/v1/local/2fa/qrcode?secret=${secret}`, { headers: { cookie: `auth=${ada.browser.cookies.get('auth')}` } });
    expect(qr.status).toBe(200);
    expect(qr.headers.get('content-type')).toBe('image/png');
    const png = PNG.sync.read(Buffer.from(await qr.arrayBuffer()));
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    const uri = new URL(decoded!.data);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Gatehouse Test:ada@example.com');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Gatehouse Test');
    // Named, not left to each app's defaults (Key Uri Format): what the contract promises.
    expect(Object.fromEntries(['algorithm', 'digits', 'period'].map((k) => [k, uri.searchParams.get(k)]))).toEqual({ algorithm: 'SHA1', digits: '6', period: '30' });
  });

  it('refuses a wrong code at enrolment and stores the secret sealed once a right one is shown', async () => {
    const wrong = must(await sa.activate2Fa({ client: ada.client, body: { secret, code: code() === '000000' ? '111111' : '000000' } }));
    expect(wrong.response.status).toBe(400);
    expect(wrong.error).toMatchObject({ reason: 'totp-failed' });

    const ok = must(await sa.activate2Fa({ client: ada.client, body: { secret, code: code() } }));
    expect(ok.response.status).toBe(200);
    const row = await accountRow(gh.runtime.db, 'ada');
    expect(String(row!.totp_secret)).toMatch(/^v1\./);
    expect(String(row!.totp_secret)).not.toContain(secret);
    expect(must(await sa.getLocalAuth({ client: ada.client })).data).toMatchObject({ twofactor: true });
  });

  it('asks for the code after the password, accepts a fresh one once, and refuses its replay', async () => {
    const { client } = await simpleAuthCaller(gh);
    const missing = must(await sa.createSession({ client, body: { username: 'ada', password: 'ada-password' } }));
    expect(missing.response.status).toBe(401);
    expect(missing.error).toMatchObject({ reason: 'totp-missing' });

    // The enrolment code's time step is used up; move to the next step, computed independently.
    gh.clock.advance(30);
    const fresh = code();
    const login = must(await sa.createSession({ client, body: { username: 'ada', password: 'ada-password', totp: fresh } }));
    expect(login.response.status).toBe(200);

    const other = await simpleAuthCaller(gh);
    const replay = must(await sa.createSession({ client: other.client, body: { username: 'ada', password: 'ada-password', totp: fresh } }));
    expect(replay.response.status).toBe(401);
    expect(replay.error).toMatchObject({ reason: 'totp-failed' });

    const tooOld = must(await sa.createSession({ client: other.client, body: { username: 'ada', password: 'ada-password', totp: code(-3) } }));
    expect(tooOld.error).toMatchObject({ reason: 'totp-failed' });
    const row = await accountRow(gh.runtime.db, 'ada');
    expect(await auditMessages(gh.runtime.db, Number(row!.id))).toEqual(expect.arrayContaining(['Activated TOTP', 'Login Successful', 'TOTP Rejected']));
  });

  it('turns 2FA off only with a valid code', async () => {
    gh.clock.advance(30);
    const wrong = must(await sa.deactivate2Fa({ client: ada.client, query: { code: code() === '123456' ? '654321' : '123456' } }));
    expect(wrong.response.status).toBe(401);
    expect(wrong.error).toMatchObject({ reason: 'totp-failed' });
    const off = must(await sa.deactivate2Fa({ client: ada.client, query: { code: code() } }));
    expect(off.response.status).toBe(200);
    expect((await accountRow(gh.runtime.db, 'ada'))!.totp_secret).toBeNull();
    const again = must(await sa.deactivate2Fa({ client: ada.client, query: { code: code() } }));
    expect(again.response.status).toBe(400);
    expect(again.error).toMatchObject({ reason: 'totp-disabled' });
    const { client } = await simpleAuthCaller(gh);
    expect(must(await sa.createSession({ client, body: { username: 'ada', password: 'ada-password' } })).response.status).toBe(200);
  });
});

describe.each(DATABASES)('simple-auth with 2FA switched off on %s', (kind) => {
  let gh: TestGatehouse;
  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { twoFactor: { enabled: false } } });
  });
  afterAll(async () => gh?.stop());

  it('answers 404 twofactor-disabled on the enrolment endpoints', async () => {
    const { client } = await simpleAuthCaller(gh);
    must(await sa.createAccount({ client, body: { username: 'bob', email: 'bob@example.com', password: 'bob-password' }, query: { createSession: true } }));
    const result = must(await sa.get2FaSecret({ client }));
    expect(result.response.status).toBe(404);
    expect(result.error).toMatchObject({ reason: 'twofactor-disabled' });
  });
});
