import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mgmt from '../../../generated/mgmt/sdk.gen.js';
import * as sa from '../../../generated/simple-auth/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { accountRow, rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { createAccount, form, mgmtCaller } from '../../support/mgmt.js';
import { must, simpleAuthCaller } from '../../support/simple-auth.js';

const CHALLENGE = 'Basic realm="gatehouse", charset="UTF-8"';
const INVALID = { message: 'invalid username or password' };

describe.each(DATABASES)('mgmt client-credentials login on %s', (kind) => {
  let gh: TestGatehouse;

  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { login: { maxFailuresPerUser: 3, windowSeconds: 900 } } });
    await createAccount(gh, 'dana', { roles: ['viewer', 'admin'] });
    // A user created through another face, without roles, signs in here too.
    const ada = await simpleAuthCaller(gh);
    must(await sa.createAccount({ client: ada.client, body: { username: 'ada', email: 'ada@example.com', password: 'ada-password' } }));
  });
  afterAll(async () => gh?.stop());

  const login = async (basic: readonly [string, string] | undefined, body: object = { grant_type: 'client_credentials' }) =>
    must(await mgmt.loginClientCredentials({ client: mgmtCaller(gh, basic ? { basic } : {}).client, body: body as never, ...form }));

  it('answers a token with the account roles and its integer id, not cacheable, under a grant that carries the roles', async () => {
    const result = await login([' DANA ', 'dana-password']);
    expect(result.response.status).toBe(200);
    expect(result.response.headers.get('cache-control')).toBe('no-store');
    expect(result.response.headers.get('pragma')).toBe('no-cache');
    const dana = (await accountRow(gh.runtime.db, 'dana'))!;
    expect(result.data).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 3600, roles: ['admin', 'viewer'], userId: Number(dana.id), passwordWasNeverChanged: true });
    const [, payload] = result.data!.access_token.split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toMatchObject({ sub: dana.uuid, aud: 'gatehouse:mgmt', iss: gh.url, scope: 'admin viewer' });
    expect(await rows(gh.runtime.db, 'oauth2_grants', { account_id: dana.id })).toMatchObject([{ client_id: 'gatehouse:mgmt', origin: 'first-party', scope: 'admin viewer', revoked_at: null }]);
    const audit = await rows(gh.runtime.db, 'audit_records', { account_id: dana.id, module: 'auth:mgmt' });
    // One row per attempt: the login's own, in the face's words.
    expect(audit.map((r) => r.message)).toEqual(['AUTH_MGMT_LOGIN client_credentials']);
  });

  it('takes a JSON body too, and signs in an account of another face with no roles', async () => {
    const result = must(await mgmt.loginClientCredentials({ client: mgmtCaller(gh, { basic: ['ada', 'ada-password'] }).client, body: { grant_type: 'client_credentials' } }));
    expect(result.response.status).toBe(200);
    expect(result.data).toMatchObject({ roles: [], userId: Number((await accountRow(gh.runtime.db, 'ada'))!.id) });
  });

  it('answers 401 with the Basic challenge without Basic credentials, before looking at the body', async () => {
    for (const result of [await login(undefined), await login(undefined, {})]) {
      expect(result.response.status).toBe(401);
      expect(result.response.headers.get('www-authenticate')).toBe(CHALLENGE);
      expect(result.error).toEqual(INVALID);
    }
    const bearer = must(await mgmt.loginClientCredentials({ client: mgmtCaller(gh, { token: 'abc' }).client, body: { grant_type: 'client_credentials' }, ...form }));
    expect([bearer.response.status, bearer.response.headers.get('www-authenticate')]).toEqual([401, CHALLENGE]);
  });

  it('answers unknown users and wrong passwords alike: 401, the Basic challenge, no-store', async () => {
    const unknown = await login(['nobody', 'whatever-password']);
    const wrong = await login(['ada', 'not-her-password']);
    for (const result of [unknown, wrong]) {
      expect(result.response.status).toBe(401);
      expect(result.response.headers.get('www-authenticate')).toBe(CHALLENGE);
      expect(result.response.headers.get('cache-control')).toBe('no-store');
      expect(result.error).toEqual(INVALID);
    }
    const failures = await rows(gh.runtime.db, 'audit_records', { module: 'auth:mgmt', level: 'warn' });
    expect(failures.map((r) => r.message)).toEqual(expect.arrayContaining(['AUTH_MGMT_LOGIN client_credentials failed: unknown user', 'AUTH_MGMT_LOGIN client_credentials failed: wrong password']));
  });

  it('takes a body without grant_type, or no body at all (the seed\'s own curl example), as client_credentials', async () => {
    const dana = (await accountRow(gh.runtime.db, 'dana'))!;
    const withoutGrantType = await login(['dana', 'dana-password'], {});
    expect([withoutGrantType.response.status, withoutGrantType.data?.userId]).toEqual([200, Number(dana.id)]);
    // `curl -X POST -u dana:… …/api/auth/login`: no Content-Type, no body.
    const bare = await fetch(`${gh.url}/api/auth/login`, { method: 'POST', headers: { Authorization: `Basic ${Buffer.from('dana:dana-password').toString('base64')}` } });
    expect(bare.status).toBe(200);
    expect(await bare.json()).toMatchObject({ token_type: 'bearer', userId: Number(dana.id), roles: ['admin', 'viewer'] });
    const unauthenticated = await fetch(`${gh.url}/api/auth/login`, { method: 'POST' });
    expect([unauthenticated.status, unauthenticated.headers.get('www-authenticate')]).toEqual([401, CHALLENGE]);
  });

  it('answers 400 unsupported grant_type when grant_type is another one', async () => {
    for (const body of [{ grant_type: 'password' }, { grant_type: 'CLIENT_CREDENTIALS' }]) {
      const result = await login(['dana', 'dana-password'], body);
      expect(result.response.status).toBe(400);
      expect(result.error).toEqual({ message: 'unsupported grant_type' });
    }
  });

  it('refuses a password-only token for an account with TOTP, after the password: 403', async () => {
    const dana = (await accountRow(gh.runtime.db, 'dana'))!;
    await gh.runtime.db('accounts').where({ id: dana.id }).update({ totp_secret: 'v1.sealed.placeholder.value' });
    const right = await login(['dana', 'dana-password']);
    expect([right.response.status, right.error]).toEqual([403, { message: 'two-factor authentication required' }]);
    // The second factor is not revealed to someone without the password.
    const wrong = await login(['dana', 'wrong-password']);
    expect([wrong.response.status, wrong.error]).toEqual([401, INVALID]);
    await gh.runtime.db('accounts').where({ id: dana.id }).update({ totp_secret: null });
  });

  it('locks a username after repeated failures: 429 with Retry-After, even with the right password, until the window passes', async () => {
    gh.clock.advance(901);
    for (let i = 0; i < 3; i++) expect((await login(['ada', `wrong-${i}-password`])).response.status).toBe(401);
    const locked = await login(['ada', 'ada-password']);
    expect(locked.response.status).toBe(429);
    expect(locked.error).toEqual({ message: 'too many attempts, try again later' });
    expect(Number(locked.response.headers.get('retry-after'))).toBeGreaterThan(800);
    gh.clock.advance(901);
    expect((await login(['ada', 'ada-password'])).response.status).toBe(200);
  });
});
