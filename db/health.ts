import type { Knex } from 'knex';
import { dialectOf } from './connect.js';

type Row = { Variable_name: string; Value: string };

/** What a Galera node must report before it may take traffic (wsrep status variables). */
const GALERA_READY: readonly [variable: string, expected: string][] = [
  ['wsrep_ready', 'ON'],
  ['wsrep_cluster_status', 'Primary'],
  ['wsrep_local_state_comment', 'Synced'],
];

/**
 * Why the store cannot serve requests right now, or undefined when it can. A round trip is not
 * enough on Galera: a node that lost quorum still answers `SELECT 1` and refuses everything else
 * (error 1047), and a joining or donor node lags behind. So on a node with wsrep on, the node must
 * be ready, in the primary component and synced. The reason is for load balancers and operators;
 * it names a status variable, never driver or SQL text.
 */
export async function storeReadiness(db: Knex): Promise<string | undefined> {
  try {
    if (dialectOf(db) === 'sqlite') {
      await db.raw('select 1');
      return undefined;
    }
    const [wsrep] = (await db.raw("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'")) as [Row[]];
    if (wsrep[0]?.Value !== 'ON') return undefined;
    const names = GALERA_READY.map(([name]) => `'${name}'`).join(', ');
    const [status] = (await db.raw(`SHOW GLOBAL STATUS WHERE Variable_name IN (${names})`)) as [Row[]];
    const values = new Map(status.map((row) => [row.Variable_name.toLowerCase(), row.Value]));
    const problems = GALERA_READY.filter(([name, expected]) => values.get(name) !== expected).map(([name]) => `${name} is ${values.get(name) ?? 'unknown'}`);
    return problems.length ? `galera node not ready: ${problems.join(', ')}` : undefined;
  } catch {
    return 'the database does not answer';
  }
}
