import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cred from '../../generated/credentials/sdk.gen.js';
import { openDatabase } from '../../db/connect.js';
import { as, createCredentialsUsers, credentialsCaller } from '../support/credentials.js';
import { createTestDatabase, MYSQL_SERVER_URL, type TestDatabase } from '../support/databases.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { must } from '../support/simple-auth.js';
import { TcpProxy } from '../support/tcp-proxy.js';

/**
 * The credentials face while MariaDB is unreachable: an APIToken or bearer token cannot be checked,
 * so the answer is 503 in grpc-gateway's shape (code 14), never 401; it recovers by itself.
 */
describe('credentials face during a database outage on MariaDB', () => {
  let direct: TestDatabase;
  let proxy: TcpProxy;
  let gh: TestGatehouse;

  beforeAll(async () => {
    direct = await createTestDatabase('mysql');
    const server = new URL(MYSQL_SERVER_URL);
    proxy = new TcpProxy(Number(server.port || 3306), server.hostname);
    await proxy.start();
    const viaProxy = new URL(MYSQL_SERVER_URL);
    viaProxy.port = String(proxy.port);
    const url = `${viaProxy.toString().replace(/\/$/, '')}${new URL(direct.url!).pathname}`;
    const db = openDatabase({ url, sqlitePath: '', poolMax: 4, acquireTimeoutMs: 1000 });
    gh = await startGatehouse('mysql', { database: { ...direct, url, db, drop: async () => db.destroy() } });
    await createCredentialsUsers(gh);
  });
  afterAll(async () => {
    await gh?.stop();
    await gh?.database.db.destroy();
    await proxy?.stop();
    await direct?.drop();
  });

  it('answers 503 with code 14 for APIToken and bearer callers, then recovers', async () => {
    const bearer = await as(gh, 'dana');
    const token = must(await cred.createApiCredential({ client: bearer, path: { namespace: 'system' }, body: { name: 'outage', spec: { type: 'API_TOKEN' } } })).data!.data;
    const viaToken = credentialsCaller(gh, { apiToken: token });

    proxy.down();
    for (const client of [viaToken, bearer]) {
      const result = must(await cred.listApiCredentials({ client, path: { namespace: 'system' } }));
      expect(result.response.status).toBe(503);
      expect(result.response.headers.get('retry-after')).toBe('5');
      expect(result.error).toEqual({
        code: 14,
        message: 'the identity store is unreachable',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'UNAVAILABLE', domain: 'gatehouse' },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retry_delay: '5s' },
        ],
      });
    }

    proxy.up();
    await expect.poll(async () => must(await cred.listApiCredentials({ client: viaToken, path: { namespace: 'system' } })).response.status, { timeout: 10_000, interval: 200 }).toBe(200);
  });
});
