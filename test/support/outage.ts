import { openDatabase } from '../../db/connect.js';
import { createTestDatabase, MYSQL_SERVER_URL } from './databases.js';
import { startGatehouse, type StartOptions, type TestGatehouse } from './gatehouse.js';
import { TcpProxy } from './tcp-proxy.js';

export interface GatehouseBehindProxy {
  gh: TestGatehouse;
  /** between Gatehouse and MariaDB: `down()` cuts the database off, `up()` gives it back */
  proxy: TcpProxy;
  stop(): Promise<void>;
}

/**
 * A Gatehouse on a fresh MariaDB database that it reaches only through a TCP proxy the test
 * controls, with a short acquire timeout so a cut database answers 503 quickly.
 */
export async function startGatehouseBehindProxy(options: Omit<StartOptions, 'database'> & { poolMax?: number } = {}): Promise<GatehouseBehindProxy> {
  const direct = await createTestDatabase('mysql');
  const server = new URL(MYSQL_SERVER_URL);
  const proxy = new TcpProxy(Number(server.port || 3306), server.hostname);
  await proxy.start();
  const viaProxy = new URL(direct.url!);
  viaProxy.port = String(proxy.port);
  const url = viaProxy.toString();
  const db = openDatabase({ url, sqlitePath: '', poolMax: options.poolMax ?? 4, acquireTimeoutMs: 1000 });
  const gh = await startGatehouse('mysql', { ...options, database: { ...direct, url, db, drop: async () => db.destroy() } });
  return {
    gh,
    proxy,
    async stop() {
      await gh.stop();
      await db.destroy();
      await proxy.stop();
      await direct.drop();
    },
  };
}
