import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mgmt from '../../../generated/mgmt/sdk.gen.js';
import * as platform from '../../../generated/platform/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { accountRow, rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { clientCredentialsLogin, createAccount, mgmtCaller } from '../../support/mgmt.js';
import { bootstrapAdmin, platformCaller } from '../../support/platform.js';
import { must } from '../../support/simple-auth.js';

const UNAUTHORIZED = { message: 'invalid or expired token' };

describe.each(DATABASES)('mgmt token-info and logout on %s', (kind) => {
  let gh: TestGatehouse;

  beforeAll(async () => {
    gh = await startGatehouse(kind);
    await bootstrapAdmin(gh);
    await createAccount(gh, 'dana', { roles: ['admin', 'viewer'] });
  });
  afterAll(async () => gh?.stop());

  const info = async (token?: string) => must(await mgmt.getTokenInfo({ client: mgmtCaller(gh, token ? { token } : {}).client }));
  const logout = async (token?: string) => must(await mgmt.logoutToken({ client: mgmtCaller(gh, token ? { token } : {}).client }));

  it('describes an mgmt token: username, the roles it was issued with, expiry in Unix seconds', async () => {
    const login = await clientCredentialsLogin(gh, 'dana', 'dana-password');
    const result = await info(login.access_token);
    expect(result.response.status).toBe(200);
    expect(result.data).toEqual({ username: 'dana', roles: ['admin', 'viewer'], expiry: Math.floor(gh.clock.now().getTime() / 1000) + 3600 });

    // The roles were fixed at login: a later change of the account's roles does not alter them.
    const dana = (await accountRow(gh.runtime.db, 'dana'))!;
    await gh.runtime.db('account_roles').where({ account_id: dana.id, role: 'admin' }).delete();
    expect((await info(login.access_token)).data!.roles).toEqual(['admin', 'viewer']);
    await gh.runtime.db('account_roles').insert({ account_id: dana.id, role: 'admin' });
  });

  it('accepts a token from another face (platform local login), showing the account roles', async () => {
    const platformLogin = must(await platform.localLogin({ client: platformCaller(gh).client, body: { username: 'admin', password: 'correct-horse-battery-staple' } })).data!;
    const result = await info(platformLogin.token);
    expect(result.response.status).toBe(200);
    expect(result.data).toEqual({ username: 'admin', roles: ['admin'], expiry: Math.floor(gh.clock.now().getTime() / 1000) + 3600 });
  });

  it('answers 401 with the Bearer challenge for a missing, malformed, expired or revoked token', async () => {
    const login = await clientCredentialsLogin(gh, 'dana', 'dana-password');
    const dana = (await accountRow(gh.runtime.db, 'dana'))!;
    const answers = [await info(), await info('not-a-jwt'), await info(`${login.access_token.slice(0, -4)}AAAA`)];
    gh.clock.advance(3601);
    answers.push(await info(login.access_token));
    gh.clock.advance(-3601);
    await gh.runtime.db('oauth2_grants').where({ account_id: dana.id, client_id: 'gatehouse:mgmt' }).update({ revoked_at: new Date() });
    answers.push(await info(login.access_token));
    for (const result of answers) {
      expect([result.response.status, result.error]).toEqual([401, UNAUTHORIZED]);
      expect(result.response.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('logs a token out: 204, then that token is refused on every face; other tokens keep working', async () => {
    const first = await clientCredentialsLogin(gh, 'dana', 'dana-password');
    const second = await clientCredentialsLogin(gh, 'dana', 'dana-password');
    const admin = must(await platform.localLogin({ client: platformCaller(gh).client, body: { username: 'admin', password: 'correct-horse-battery-staple' } })).data!.token;

    const result = await logout(first.access_token);
    expect(result.response.status).toBe(204);
    expect(await result.response.text()).toBe('');

    expect((await info(first.access_token)).response.status).toBe(401);
    expect((await logout(first.access_token)).response.status).toBe(401);
    expect(await gh.runtime.kernel.tokens.verify(first.access_token)).toBeUndefined();
    expect((await info(second.access_token)).response.status).toBe(200);
    expect(must(await platform.getOidcProvider({ client: platformCaller(gh, { token: admin }).client })).response.status).toBe(200);

    const dana = (await accountRow(gh.runtime.db, 'dana'))!;
    const grants = await rows(gh.runtime.db, 'oauth2_grants', { account_id: dana.id, client_id: 'gatehouse:mgmt' });
    expect(grants.filter((g) => g.revoked_at === null)).toHaveLength(1);
    expect((await rows(gh.runtime.db, 'audit_records', { account_id: dana.id })).map((r) => r.message)).toContain('AUTH_MGMT_LOGOUT (gatehouse:mgmt)');
  });

  it('logs out a platform token: it stops working on the platform face too', async () => {
    const admin = must(await platform.localLogin({ client: platformCaller(gh).client, body: { username: 'admin', password: 'correct-horse-battery-staple' } })).data!.token;
    expect((await logout(admin)).response.status).toBe(204);
    const refused = must(await platform.getOidcProvider({ client: platformCaller(gh, { token: admin }).client }));
    expect(refused.response.status).toBe(401);
  });

  it('answers 401 to a logout without a token, and refuses unknown query parameters only after the token', async () => {
    const result = await logout();
    expect([result.response.status, result.error, result.response.headers.get('www-authenticate')]).toEqual([401, UNAUTHORIZED, 'Bearer']);
    const stranger = await fetch(`${gh.url}/api/auth/token-info?debug=1`);
    expect(stranger.status).toBe(401);
    const login = await clientCredentialsLogin(gh, 'dana', 'dana-password');
    const known = await fetch(`${gh.url}/api/auth/token-info?debug=1`, { headers: { authorization: `Bearer ${login.access_token}` } });
    expect([known.status, await known.json()]).toEqual([400, { message: 'request does not match the contract' }]);
  });
});
