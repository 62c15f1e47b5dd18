import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mgmt from '../../../generated/mgmt/sdk.gen.js';
import type { PasswordGrantRequest } from '../../../generated/mgmt/types.gen.js';
import { DATABASES } from '../../support/databases.js';
import { accountRow, rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { createAccount, form, mgmtCaller } from '../../support/mgmt.js';
import { must } from '../../support/simple-auth.js';

const INVALID = { message: 'invalid username or password' };

describe.each(DATABASES)('mgmt password-form login on %s', (kind) => {
  let gh: TestGatehouse;

  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { login: { maxFailuresPerUser: 3, windowSeconds: 900 } } });
    await createAccount(gh, 'erin', { roles: ['viewer'] });
    await createAccount(gh, 'root', { isAdmin: true });
  });
  afterAll(async () => gh?.stop());

  const login = async (body: Partial<PasswordGrantRequest> | Record<string, string>) => must(await mgmt.loginPasswordForm({ client: mgmtCaller(gh).client, body: body as PasswordGrantRequest, ...form }));

  it('answers a token for the form grant_type=password, with the account roles', async () => {
    const result = await login({ grant_type: 'password', username: 'Erin', password: 'erin-password' });
    expect(result.response.status).toBe(200);
    expect(result.response.headers.get('cache-control')).toBe('no-store');
    const erin = (await accountRow(gh.runtime.db, 'erin'))!;
    expect(result.data).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 3600, roles: ['viewer'], userId: Number(erin.id), passwordWasNeverChanged: true });
    const audit = await rows(gh.runtime.db, 'audit_records', { account_id: erin.id, module: 'auth:mgmt' });
    expect(audit.map((r) => r.message)).toContain('AUTH_MGMT_LOGIN password');
  });

  it('gives an administrator the admin role, and says when the password was changed since', async () => {
    const root = (await accountRow(gh.runtime.db, 'root'))!;
    await gh.runtime.db('accounts').where({ id: root.id }).update({ password_changed_at: new Date() });
    const result = must(await mgmt.loginPasswordForm({ client: mgmtCaller(gh).client, body: { grant_type: 'password', username: 'root', password: 'root-password' } }));
    expect(result.data).toMatchObject({ roles: ['admin'], userId: Number(root.id), passwordWasNeverChanged: false });
  });

  it('answers unknown users, wrong passwords and accounts without a password alike with 401', async () => {
    const erin = (await accountRow(gh.runtime.db, 'erin'))!;
    const results = [await login({ grant_type: 'password', username: 'nobody', password: 'x-password' }), await login({ grant_type: 'password', username: 'erin', password: 'wrong-password' })];
    await gh.runtime.db('accounts').where({ id: erin.id }).update({ active: false });
    results.push(await login({ grant_type: 'password', username: 'erin', password: 'erin-password' }));
    await gh.runtime.db('accounts').where({ id: erin.id }).update({ active: true });
    for (const result of results) {
      expect([result.response.status, result.error]).toEqual([401, INVALID]);
      expect(result.response.headers.get('cache-control')).toBe('no-store');
    }
    gh.clock.advance(901);
  });

  it('answers 400 for a missing field or another grant type', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ username: 'erin', password: 'erin-password' }, 'unsupported grant_type'],
      [{ grant_type: 'client_credentials', username: 'erin', password: 'erin-password' }, 'unsupported grant_type'],
      [{ grant_type: 'password', username: 'erin' }, 'username and password are required'],
      [{ grant_type: 'password', password: 'erin-password' }, 'username and password are required'],
      [{ grant_type: 'password', username: '', password: 'erin-password' }, 'request does not match the contract'],
    ];
    for (const [body, message] of cases) {
      const result = await login(body);
      expect([result.response.status, result.error]).toEqual([400, { message }]);
    }
  });

  it('refuses a password-only token for an account with TOTP with 403, and locks out after repeated failures with 429', async () => {
    const erin = (await accountRow(gh.runtime.db, 'erin'))!;
    await gh.runtime.db('accounts').where({ id: erin.id }).update({ totp_secret: 'v1.sealed.placeholder.value' });
    const totp = await login({ grant_type: 'password', username: 'erin', password: 'erin-password' });
    expect([totp.response.status, totp.error]).toEqual([403, { message: 'two-factor authentication required' }]);
    await gh.runtime.db('accounts').where({ id: erin.id }).update({ totp_secret: null });

    for (let i = 0; i < 3; i++) await login({ grant_type: 'password', username: 'erin', password: `wrong-${i}-password` });
    const locked = await login({ grant_type: 'password', username: 'erin', password: 'erin-password' });
    expect([locked.response.status, locked.error]).toEqual([429, { message: 'too many attempts, try again later' }]);
    expect(Number(locked.response.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
