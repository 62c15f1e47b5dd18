import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as credentials from '../../../generated/credentials/sdk.gen.js';
import * as platform from '../../../generated/platform/sdk.gen.js';
import * as sa from '../../../generated/simple-auth/sdk.gen.js';
import { credentialsCaller } from '../../support/credentials.js';
import { DATABASES } from '../../support/databases.js';
import { accountRow, auditMessages, rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { bootstrapAdmin, platformCaller } from '../../support/platform.js';
import { must, simpleAuthCaller } from '../../support/simple-auth.js';

describe.each(DATABASES)('platform local login on %s', (kind) => {
  let gh: TestGatehouse;
  let adminToken: string;

  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { login: { maxFailuresPerUser: 3, windowSeconds: 900 } } });
    adminToken = (await bootstrapAdmin(gh)).token;
    // A user created through another face signs in here too.
    const ada = await simpleAuthCaller(gh);
    must(await sa.createAccount({ client: ada.client, body: { username: 'ada', email: 'ada@example.com', password: 'ada-password' } }));
  });
  afterAll(async () => gh?.stop());

  const anonymous = () => platformCaller(gh).client;

  it('signs in an account created on the simple-auth face and returns a revocable bearer token', async () => {
    const result = must(await platform.localLogin({ client: anonymous(), body: { username: ' ADA ', password: 'ada-password' } }));
    expect(result.response.status).toBe(201);
    expect(result.response.headers.get('cache-control')).toBe('no-store');
    const ada = await accountRow(gh.runtime.db, 'ada');
    expect(result.data).toMatchObject({ token_type: 'Bearer', expires_in: 3600, principal: { id: ada!.uuid, name: 'ada', is_admin: false } });
    const [, payload] = result.data!.token.split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toMatchObject({ sub: ada!.uuid, aud: 'gatehouse:platform', iss: gh.url });
    const grants = await rows(gh.runtime.db, 'oauth2_grants', { account_id: ada!.id });
    expect(grants).toMatchObject([{ client_id: 'gatehouse:platform', origin: 'first-party', revoked_at: null }]);
    expect(await auditMessages(gh.runtime.db, Number(ada!.id))).toContain('AUTH_LOCAL_LOGIN');

    // A non-administrator's valid token: 403 on admin operations, checked before the body.
    const forbidden = must(await platform.revokeAllWebSessions({ client: platformCaller(gh, { token: result.data!.token }).client, body: { principal_id: 'not-a-uuid' } }));
    expect(forbidden.response.status).toBe(403);
    expect(forbidden.error).toEqual({ code: 403, message: 'admin access required' });
  });

  it('answers unknown users and wrong passwords with the same 403, and 400 for empty fields', async () => {
    const unknown = must(await platform.localLogin({ client: anonymous(), body: { username: 'nobody', password: 'whatever-password' } }));
    const wrong = must(await platform.localLogin({ client: anonymous(), body: { username: 'admin', password: 'wrong-password-here' } }));
    expect(unknown.response.status).toBe(403);
    expect(wrong.response.status).toBe(403);
    expect(unknown.error).toEqual({ code: 403, message: 'invalid username or password' });
    expect(wrong.error).toEqual(unknown.error);
    // Both are in the audit trail; the unknown one without the name that was tried.
    const anonymousFailures = await gh.runtime.db('audit_records').whereNull('account_id').andWhere({ module: 'auth:platform', message: 'Login failed: unknown user' });
    expect(anonymousFailures).toHaveLength(1);
    expect(JSON.stringify(anonymousFailures)).not.toContain('nobody');
    const empty = must(await platform.localLogin({ client: anonymous(), body: { username: '  ', password: '' } }));
    expect(empty.response.status).toBe(400);
    expect(empty.error).toEqual({ code: 400, message: 'username and password are required' });
    const missing = must(await platform.localLogin({ client: anonymous(), body: { username: 'ada' } as never }));
    expect(missing.response.status).toBe(400);
    expect(missing.error).toEqual({ code: 400, message: 'password is required' });
  });

  it('locks a username after repeated failures with 403 and Retry-After, counted in the database, until the window passes', async () => {
    for (let i = 0; i < 3; i++) must(await platform.localLogin({ client: anonymous(), body: { username: 'ada', password: `wrong-${i}-password` } }));
    const locked = must(await platform.localLogin({ client: anonymous(), body: { username: 'ada', password: 'ada-password' } }));
    expect(locked.response.status).toBe(403);
    expect(locked.error).toEqual({ code: 403, message: 'too many failed login attempts' });
    expect(Number(locked.response.headers.get('retry-after'))).toBeGreaterThan(800);
    const ada = await accountRow(gh.runtime.db, 'ada');
    const failures = await rows(gh.runtime.db, 'login_attempts', { scope: 'user', attempt_key: `account:${ada!.id}`, success: false });
    expect(failures.map((f) => f.reason)).toEqual(['bad_password', 'bad_password', 'bad_password']);

    gh.clock.advance(901);
    const after = must(await platform.localLogin({ client: anonymous(), body: { username: 'ada', password: 'ada-password' } }));
    expect(after.response.status).toBe(201);
  });

  it('refuses a password-only login for an account with two-factor authentication, after the password', async () => {
    const row = await accountRow(gh.runtime.db, 'ada');
    await gh.runtime.db('accounts').where({ id: row!.id }).update({ totp_secret: 'v1.sealed.placeholder.value' });
    const result = must(await platform.localLogin({ client: anonymous(), body: { username: 'ada', password: 'ada-password' } }));
    expect(result.response.status).toBe(403);
    expect(result.error).toEqual({ code: 403, message: 'two-factor authentication required' });
    await gh.runtime.db('accounts').where({ id: row!.id }).update({ totp_secret: null });
  });

  it('accepts an API key in X-API-Key for admin operations, and refuses unknown or revoked keys', async () => {
    // Minted through the credentials face with the administrator's bearer token.
    const created = must(await credentials.createApiCredential({ client: credentialsCaller(gh, { bearer: adminToken }), path: { namespace: 'system' }, body: { name: 'ci', expiration_days: 1, spec: { type: 'API_TOKEN' } } }));
    const issued = { secret: created.data!.data, uuid: String((await rows(gh.runtime.db, 'api_credentials', { name: 'ci' }))[0]!.uuid) };
    expect(issued.secret).toMatch(/^ghk_/);
    expect(await rows(gh.runtime.db, 'api_credentials', { uuid: issued.uuid })).toMatchObject([{ type: 'API_TOKEN' }]);
    const ok = must(await platform.getOidcProvider({ client: platformCaller(gh, { apiKey: issued.secret }).client }));
    expect(ok.response.status).toBe(200);
    const unknown = must(await platform.getOidcProvider({ client: platformCaller(gh, { apiKey: 'ghk_not-a-key' }).client }));
    expect(unknown.response.status).toBe(401);
    await gh.runtime.db('api_credentials').where({ uuid: issued.uuid }).update({ revoked_at: new Date() });
    const revoked = must(await platform.getOidcProvider({ client: platformCaller(gh, { apiKey: issued.secret }).client }));
    expect(revoked.response.status).toBe(401);
    // The bearer token is tried first and still works.
    expect(must(await platform.getOidcProvider({ client: platformCaller(gh, { token: adminToken }).client })).response.status).toBe(200);
  });
});
