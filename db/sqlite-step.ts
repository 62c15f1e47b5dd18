import type { Knex } from 'knex';
import { dialectOf } from './connect.js';
import { sqliteStatement, type SqliteConnection } from './sqlite-connection.js';

/** What a synchronous step may run: statements prepared once per connection. */
export interface SqliteStep {
  get(sql: string, ...values: unknown[]): Record<string, unknown> | undefined;
  run(sql: string, ...values: unknown[]): number;
}

/**
 * Runs `work` as one write transaction on SQLite, synchronously: `BEGIN IMMEDIATE` takes the
 * file's write lock before the first read, so no other request of this process and no other
 * process reads or writes between the step's reads, its decision and its writes. The commit waits
 * for the disk like any other, and costs nothing when the step wrote nothing (a right client
 * secret). Switching the connection's `synchronous` level around the step, so that a wrong
 * guess's count need not wait for the disk, took two statements on every guess (3.5 % of
 * introspection's CPU in a profile) to spare one sync on a wrong one, which records its failure
 * in synced commits anyway (and a spent budget refuses without writing). Undefined when the store
 * is not SQLite or `db` is a transaction: the caller then runs its steps apart.
 */
export async function sqliteLockedStep<T>(db: Knex, work: (step: SqliteStep) => T): Promise<T | undefined> {
  if (db.isTransaction || dialectOf(db) !== 'sqlite') return undefined;
  const connection = (await db.client.acquireConnection()) as SqliteConnection;
  const step: SqliteStep = {
    get: (sql, ...values) => sqliteStatement(connection, sql).get(...values) as Record<string, unknown> | undefined,
    run: (sql, ...values) => sqliteStatement(connection, sql).run(...values).changes,
  };
  try {
    sqliteStatement(connection, 'BEGIN IMMEDIATE').run();
    try {
      const result = work(step);
      sqliteStatement(connection, 'COMMIT').run();
      return result;
    } catch (error) {
      // SQLite may have ended the transaction itself (a full disk); a ROLLBACK then fails.
      if (connection.inTransaction) sqliteStatement(connection, 'ROLLBACK').run();
      throw error;
    }
  } finally {
    await db.client.releaseConnection(connection);
  }
}
