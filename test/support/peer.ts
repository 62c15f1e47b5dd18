import { openDatabase } from '../../db/connect.js';
import { startGatehouse, type TestGatehouse } from './gatehouse.js';

/**
 * A second Gatehouse on the first one's database, as a load balancer's second backend would be:
 * its own connection pool (nothing shared in process but the test's clock), the same public URL
 * (the issuer of every token, as behind one load balancer) and the same master key, without
 * which it could not open the signing keys and sealed secrets the first one stored.
 * Stop it before the first, which drops the database.
 */
export async function startPeer(first: TestGatehouse, settings: Record<string, unknown> = {}): Promise<TestGatehouse> {
  if (first.database.kind !== 'mysql') throw new Error('peers share a MySQL/MariaDB database');
  const db = openDatabase({ url: first.database.url, sqlitePath: '', poolMax: 5, acquireTimeoutMs: 5000 });
  const database = { ...first.database, db, drop: () => db.destroy() };
  const security = { ...(settings.security as Record<string, unknown> | undefined), masterKey: first.config.security.masterKey };
  const server = { ...(settings.server as Record<string, unknown> | undefined), publicUrl: first.config.server.publicUrl };
  const peer = await startGatehouse('mysql', { database, clock: first.clock, settings: { ...settings, server, security } }).catch(async (error: unknown) => {
    await db.destroy();
    throw error;
  });
  return {
    ...peer,
    async stop() {
      await peer.stop();
      await db.destroy();
    },
  };
}
