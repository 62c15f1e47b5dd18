import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as platform from '../../../generated/platform/sdk.gen.js';
import { sha256Hex } from '../../../core/crypto.js';
import { DATABASES } from '../../support/databases.js';
import { accountRow, auditMessages, rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { ADMIN, platformCaller } from '../../support/platform.js';
import { must } from '../../support/simple-auth.js';

describe.each(DATABASES)('platform first-admin bootstrap on %s', (kind) => {
  let gh: TestGatehouse;
  let adminToken: string;

  beforeAll(async () => {
    gh = await startGatehouse(kind);
  });
  afterAll(async () => gh?.stop());

  const anonymous = () => platformCaller(gh).client;

  it('refuses a short password before anything is written', async () => {
    const result = must(await platform.bootstrapComplete({ client: anonymous(), body: { username: 'admin', password: 'too-short' } }));
    expect(result.response.status).toBe(400);
    expect(result.error).toEqual({ code: 400, message: 'password must be at least 12 characters' });
    expect(await rows(gh.runtime.db, 'accounts')).toEqual([]);
  });

  it('creates the first administrator without a token on a fresh install, and signs it in', async () => {
    const result = must(await platform.bootstrapComplete({ client: anonymous(), body: { ...ADMIN, username: ' Admin ' } }));
    expect(result.response.status).toBe(201);
    expect(result.response.headers.get('cache-control')).toBe('no-store');
    expect(result.data).toMatchObject({ token_type: 'Bearer', principal: { name: 'platform-admin', is_admin: true } });
    adminToken = result.data!.token;
    const row = await accountRow(gh.runtime.db, 'admin');
    expect(row).toMatchObject({ uuid: result.data!.principal.id, display_name: 'platform-admin' });
    expect(String(row!.password_hash)).toMatch(/^\$2[aby]\$/);
    expect(await gh.runtime.db('account_roles').where({ account_id: row!.id }).pluck('role')).toEqual(['admin']);
    const setup = await gh.runtime.db('setup_state').first();
    expect(setup.completed_by).toBe(row!.id);
    expect(await auditMessages(gh.runtime.db, Number(row!.id))).toContain('AUTH_BOOTSTRAP_COMPLETE');
    // The token works on the admin operations at once.
    const stats = must(await platform.getWebSessionStats({ client: platformCaller(gh, { token: adminToken }).client }));
    expect(stats.response.status).toBe(200);
  });

  it('refuses a second bootstrap without a token (403)', async () => {
    const result = must(await platform.bootstrapComplete({ client: anonymous(), body: { username: 'mallory', password: 'mallory-password-1' } }));
    expect(result.response.status).toBe(403);
    expect(result.error).toEqual({ code: 403, message: 'valid bootstrap token required' });
    expect(await accountRow(gh.runtime.db, 'mallory')).toBeUndefined();
  });

  it('mints a bootstrap token stored only as a hash; it works once, and a new one replaces the old', async () => {
    const admin = platformCaller(gh, { token: adminToken }).client;
    const first = must(await platform.createBootstrapToken({ client: admin, body: {} }));
    expect(first.response.status).toBe(201);
    expect(first.data).toMatchObject({ ttl_seconds: 1800 });
    expect(first.data!.bootstrap_token).toMatch(/^[0-9a-f]{48}$/);
    const second = must(await platform.createBootstrapToken({ client: admin, body: { ttl_seconds: 900 } }));
    const token = second.data!.bootstrap_token;
    const setup = await gh.runtime.db('setup_state').first();
    expect(setup.bootstrap_token_hash).toBe(sha256Hex(token));

    const replaced = must(await platform.bootstrapComplete({ client: anonymous(), body: { username: 'ops', password: 'ops-password-123', bootstrap_token: first.data!.bootstrap_token } }));
    expect(replaced.response.status).toBe(403);

    const ok = must(await platform.bootstrapComplete({ client: anonymous(), body: { username: 'ops', password: 'ops-password-123', bootstrap_token: ` ${token} ` } }));
    expect(ok.response.status).toBe(201);
    expect(ok.data!.principal).toMatchObject({ name: 'ops', is_admin: true });

    const reused = must(await platform.bootstrapComplete({ client: anonymous(), body: { username: 'ops2', password: 'ops-password-123', bootstrap_token: token } }));
    expect(reused.response.status).toBe(403);
    expect((await gh.runtime.db('setup_state').first()).bootstrap_token_hash).toBeNull();
  });

  it('refuses an expired token and answers 409 for a taken principal name, spending the token', async () => {
    const admin = platformCaller(gh, { token: adminToken }).client;
    const expiring = must(await platform.createBootstrapToken({ client: admin, body: { ttl_seconds: 60 } })).data!.bootstrap_token;
    gh.clock.advance(61);
    const expired = must(await platform.bootstrapComplete({ client: anonymous(), body: { username: 'late', password: 'late-password-12', bootstrap_token: expiring } }));
    expect(expired.response.status).toBe(403);

    const token = must(await platform.createBootstrapToken({ client: admin, body: {} })).data!.bootstrap_token;
    const taken = must(await platform.bootstrapComplete({ client: anonymous(), body: { username: 'second', password: 'second-password-1', principal_name: 'Platform-Admin', bootstrap_token: token } }));
    expect(taken.response.status).toBe(409);
    expect(taken.error).toEqual({ code: 409, message: 'principal "platform-admin" already exists' });
    const again = must(await platform.bootstrapComplete({ client: anonymous(), body: { username: 'second', password: 'second-password-1', bootstrap_token: token } }));
    expect(again.response.status).toBe(403);

    gh.clock.advance(901); // past the window of the failed token checks above (throttled per address)
    const fresh = must(await platform.createBootstrapToken({ client: admin, body: {} })).data!.bootstrap_token;
    const takenUsername = must(await platform.bootstrapComplete({ client: anonymous(), body: { username: 'ADMIN', password: 'second-password-1', bootstrap_token: fresh } }));
    expect(takenUsername.response.status).toBe(409);
    expect(takenUsername.error).toEqual({ code: 409, message: 'principal "admin" already exists' });
  });

  it('bounds the token lifetime and requires credentials (401) and an administrator (403) before reading the body', async () => {
    const admin = platformCaller(gh, { token: adminToken }).client;
    const tooLong = must(await platform.createBootstrapToken({ client: admin, body: { ttl_seconds: 86401 } }));
    expect(tooLong.response.status).toBe(400);
    expect(tooLong.error).toEqual({ code: 400, message: 'ttl_seconds must be between 60 and 86400' });

    const none = must(await platform.createBootstrapToken({ client: anonymous(), body: { ttl_seconds: 5 } }));
    expect(none.response.status).toBe(401);
    expect(none.response.headers.get('www-authenticate')).toBe('Bearer');
    expect(none.error).toEqual({ code: 401, message: 'unauthorized: provide a valid JWT Bearer token or API key' });

    const forged = must(await platform.createBootstrapToken({ client: platformCaller(gh, { token: `${adminToken.slice(0, -4)}AAAA` }).client, body: {} }));
    expect(forged.response.status).toBe(401);
  });
});
