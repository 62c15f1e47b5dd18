import { openDatabase } from '../../db/connect.js';
import { createTestDatabase, MYSQL_SERVER_URL, type TestDatabase } from './databases.js';
import { startGatehouse, type StartOptions, type TestGatehouse } from './gatehouse.js';
import { TcpProxy } from './tcp-proxy.js';

export interface ProxiedGatehouse {
  gh: TestGatehouse;
  /** between the instance and MariaDB: `down()` is the outage, `up()` the recovery */
  proxy: TcpProxy;
  stop(): Promise<void>;
}

/** A MariaDB URL for the database, but through the proxy's port. */
export function urlThrough(proxy: TcpProxy, databaseUrl: string): string {
  const viaProxy = new URL(MYSQL_SERVER_URL);
  viaProxy.port = String(proxy.port);
  return `${viaProxy.toString().replace(/\/$/, '')}${new URL(databaseUrl).pathname}`;
}

/** A TCP proxy in front of the shared MariaDB server (nothing else is touched). */
export async function mariadbProxy(): Promise<TcpProxy> {
  const server = new URL(MYSQL_SERVER_URL);
  const proxy = new TcpProxy(Number(server.port || 3306), server.hostname);
  await proxy.start();
  return proxy;
}

/** A Gatehouse on a fresh MariaDB database that it reaches only through a proxy the test controls. */
export async function startProxiedGatehouse(options: Omit<StartOptions, 'database'> = {}): Promise<ProxiedGatehouse> {
  const direct: TestDatabase = await createTestDatabase('mysql');
  const proxy = await mariadbProxy();
  const url = urlThrough(proxy, direct.url!);
  const db = openDatabase({ url, sqlitePath: '', poolMax: 4, acquireTimeoutMs: 1000 });
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
