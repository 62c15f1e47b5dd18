import { randomBytes } from 'node:crypto';
import type { ManualClock } from '../../core/clock.js';
import { openDatabase } from '../../db/connect.js';
import type { GaleraNode } from './galera.js';
import { startGatehouse, type TestGatehouse } from './gatehouse.js';

/**
 * What the instances of one cluster share, as backends of one load balancer do: the public URL
 * (the issuer of every token), the master key (they open each other's signing keys) and a clock.
 */
export interface ClusterShared {
  clock: ManualClock;
  masterKey: string;
  publicUrl: string;
  settings: Record<string, unknown>;
}

export function clusterShared(clock: ManualClock, settings: Record<string, unknown>): ClusterShared {
  return { clock, masterKey: randomBytes(32).toString('base64'), publicUrl: 'http://gatehouse.cluster.test', settings };
}

/**
 * A Gatehouse instance whose database is one Galera node (no load balancer in between: each
 * instance talks to its node, as a side-car deployment does). The pool has the production
 * settings: statement timeout and, on a Galera node, causal reads.
 */
export async function startInstanceOn(node: GaleraNode, shared: ClusterShared, database = 'gatehouse'): Promise<TestGatehouse> {
  const url = node.url(database);
  const db = openDatabase({ url, sqlitePath: '', poolMax: 8, acquireTimeoutMs: 3000, statementTimeoutMs: 5000 });
  try {
    const gh = await startGatehouse('mysql', {
      database: { kind: 'mysql', url, sqlitePath: '', db, drop: () => db.destroy() },
      clock: shared.clock,
      settings: { ...shared.settings, server: { publicUrl: shared.publicUrl }, security: { masterKey: shared.masterKey, bcryptCost: 4 } },
    });
    return { ...gh, stop: async () => (await gh.stop(), await db.destroy()) };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
