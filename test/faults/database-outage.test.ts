import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as platform from '../../generated/platform/sdk.gen.js';
import * as portal from '../../generated/portal/sdk.gen.js';
import * as sa from '../../generated/simple-auth/sdk.gen.js';
import { openDatabase } from '../../db/connect.js';
import { createTestDatabase, MYSQL_SERVER_URL, type TestDatabase } from '../support/databases.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { bootstrapAdmin, platformCaller } from '../support/platform.js';
import { portalClient, signIn } from '../support/portal.js';
import { must, simpleAuthCaller, type SimpleAuthCaller } from '../support/simple-auth.js';
import { TcpProxy } from '../support/tcp-proxy.js';

/**
 * The service talks to MariaDB through a proxy the test controls. While the database is
 * unreachable every answer is 503 (never 401, never 200); once it is back, answers are normal
 * again without restarting anything.
 */
describe('database outage on MariaDB', () => {
  let direct: TestDatabase;
  let proxy: TcpProxy;
  let gh: TestGatehouse;
  let user: SimpleAuthCaller;
  let adminToken: string;

  beforeAll(async () => {
    direct = await createTestDatabase('mysql');
    const server = new URL(MYSQL_SERVER_URL);
    proxy = new TcpProxy(Number(server.port || 3306), server.hostname);
    await proxy.start();
    const dbName = new URL(direct.url!).pathname;
    const viaProxy = new URL(MYSQL_SERVER_URL);
    viaProxy.port = String(proxy.port);
    const url = `${viaProxy.toString().replace(/\/$/, '')}${dbName}`;
    const db = openDatabase({ url, sqlitePath: '', poolMax: 4, acquireTimeoutMs: 1000 });
    gh = await startGatehouse('mysql', { database: { ...direct, url, db, drop: async () => db.destroy() } });
    adminToken = (await bootstrapAdmin(gh)).token;
    user = await simpleAuthCaller(gh);
    must(await sa.createAccount({ client: user.client, body: { username: 'dora', email: 'dora@example.com', password: 'dora-password' }, query: { createSession: true } }));
  });
  afterAll(async () => {
    await gh?.stop();
    await gh?.database.db.destroy();
    await proxy?.stop();
    await direct?.drop();
  });

  it('answers 503 while the database is unreachable and recovers by itself when it returns', async () => {
    expect(must(await sa.getAccount({ client: user.client })).response.status).toBe(200);
    const portalToken = (await signIn(gh, 'dora@example.com', 'dora-password')).access_token;

    proxy.down();
    const account = must(await sa.getAccount({ client: user.client }));
    expect(account.response.status).toBe(503);
    expect(account.error).toEqual({ error: true, message: 'the identity store is unreachable', reason: 'unavailable' });
    expect(account.response.headers.get('retry-after')).toBe('5');

    const login = must(await sa.createSession({ client: (await simpleAuthCaller(gh)).client, body: { username: 'dora', password: 'dora-password' } }));
    expect(login.response.status).toBe(503);
    const body = JSON.stringify(login.error);
    expect(body).not.toMatch(/ECONN|Knex|mysql|select|stack/i);
    // A load balancer's health check sees it too.
    const health = await fetch(`${gh.url}/healthz`);
    expect([health.status, health.headers.get('retry-after'), await health.json()]).toEqual([503, '5', { status: 'unavailable', reason: 'the database does not answer' }]);

    // A bearer token cannot be checked without the database: 503, not 401 (a client would drop a good token).
    const stats = must(await platform.getWebSessionStats({ client: platformCaller(gh, { token: adminToken }).client }));
    expect(stats.response.status).toBe(503);
    expect(stats.error).toEqual({ code: 503, message: 'the identity store is unreachable' });
    const platformLogin = must(await platform.localLogin({ client: platformCaller(gh).client, body: { username: 'dora', password: 'dora-password' } }));
    expect(platformLogin.response.status).toBe(503);
    const load = must(await portal.initialLoad({ client: portalClient(gh, portalToken) }));
    expect([load.response.status, load.error]).toEqual([503, { detail: 'Service temporarily unavailable' }]);
    const portalLogin = must(await portal.portalLogin({ client: portalClient(gh), body: { email: 'dora@example.com', password: 'dora-password' } }));
    expect([portalLogin.response.status, portalLogin.error]).toEqual([503, { detail: 'Service temporarily unavailable' }]);

    proxy.up();
    await expect.poll(async () => must(await sa.getAccount({ client: user.client })).response.status, { timeout: 10_000, interval: 200 }).toBe(200);
    expect(await (await fetch(`${gh.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const again = must(await sa.createSession({ client: (await simpleAuthCaller(gh)).client, body: { username: 'dora', password: 'dora-password' } }));
    expect(again.response.status).toBe(200);
    expect(must(await platform.getWebSessionStats({ client: platformCaller(gh, { token: adminToken }).client })).response.status).toBe(200);
    expect(must(await portal.initialLoad({ client: portalClient(gh, portalToken) })).response.status).toBe(200);
  });
});
