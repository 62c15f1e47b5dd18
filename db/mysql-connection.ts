import type { Knex } from 'knex';
import { dialectOf } from './connect.js';

/** What the hot paths use of a mysql2 connection (callback API, as knex's pool hands it out). */
interface MysqlConnection {
  query(sql: string, done: (error: Error | null) => void): void;
  execute(sql: string, values: unknown[], done: (error: Error | null, result: unknown) => void): void;
}

export type MysqlOutcome = 'first' | 'all' | 'changes';

/** Runs a statement prepared once per connection (mysql2's `execute` caches it by SQL text). */
export function mysqlExecute(connection: object, sql: string, bindings: unknown[], outcome: MysqlOutcome): Promise<unknown> {
  return new Promise((resolve, reject) => {
    (connection as MysqlConnection).execute(sql, bindings, (error, result) => {
      if (error) reject(error);
      else if (outcome === 'first') resolve((result as Record<string, unknown>[])[0]);
      else if (outcome === 'all') resolve(result);
      else resolve(Number((result as { affectedRows: number }).affectedRows));
    });
  });
}

function mysqlCommand(connection: object, sql: string): Promise<void> {
  return new Promise((resolve, reject) => (connection as MysqlConnection).query(sql, (error) => (error ? reject(error) : resolve())));
}

/** What a locked step may run: prepared statements on the step's own connection and transaction. */
export interface MysqlStep {
  all(sql: string, ...values: unknown[]): Promise<Record<string, unknown>[]>;
  run(sql: string, ...values: unknown[]): Promise<number>;
}

/**
 * Runs `work` as one InnoDB transaction on a pooled connection. Rows the step reads `for update`
 * stay locked until it ends, so no other step reads or writes them between its reads, its
 * decision and its writes (on Galera the sessions' `wsrep_sync_wait` makes the read see every
 * commit of the cluster, and a write that raced one on another node fails certification and is
 * run again). A step that changed nothing commits without a log flush: InnoDB writes the redo log
 * only for transactions that modified rows. Undefined when the store is not MySQL/MariaDB or `db`
 * is a transaction: the caller then runs its steps apart.
 */
export async function mysqlLockedStep<T>(db: Knex, work: (step: MysqlStep) => Promise<T>): Promise<T | undefined> {
  if (db.isTransaction || dialectOf(db) === 'sqlite') return undefined;
  const connection = (await db.client.acquireConnection()) as object;
  const step: MysqlStep = {
    all: (sql, ...values) => mysqlExecute(connection, sql, values, 'all') as Promise<Record<string, unknown>[]>,
    run: (sql, ...values) => mysqlExecute(connection, sql, values, 'changes') as Promise<number>,
  };
  try {
    await mysqlCommand(connection, 'START TRANSACTION');
    try {
      const result = await work(step);
      await mysqlCommand(connection, 'COMMIT');
      return result;
    } catch (error) {
      // A deadlock has already rolled the transaction back; a lock wait timeout has not (only its
      // statement). Either way nothing of the step may stay open on a pooled connection.
      await mysqlCommand(connection, 'ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    await db.client.releaseConnection(connection);
  }
}
