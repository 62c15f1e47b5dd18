/** A mysql2 connection as knex's pool hands it to `afterCreate` (callback API). */
interface RawConnection {
  query(sql: string, callback: (error: Error | null, rows?: unknown) => void): void;
}

type Done = (error: Error | null, connection: unknown) => void;

function query(connection: RawConnection, sql: string): Promise<Record<string, string>[]> {
  return new Promise((resolve, reject) => connection.query(sql, (error, rows) => (error ? reject(error) : resolve((rows ?? []) as Record<string, string>[]))));
}

/**
 * The session settings every new MySQL/MariaDB connection gets. With a `statementTimeoutMs`, a
 * locked table or a runaway query holds a request for that long at most instead of as long as the
 * lock lasts:
 * - MariaDB: `max_statement_time` (seconds, any statement; error 1969);
 * - MySQL: `max_execution_time` (milliseconds, SELECT only; error 3024);
 * - both: `innodb_lock_wait_timeout` (row locks, error 1205) and `lock_wait_timeout` (metadata
 *   locks, e.g. behind DDL), in whole seconds.
 * On a Galera node `wsrep_sync_wait = 1` makes each read wait until the node has applied every
 * write the cluster committed before it: a token issued through one node is found by the next
 * request on any other node (without it, replication is asynchronous for readers).
 */
export function sessionSetup(statementTimeoutMs: number | undefined) {
  return (connection: RawConnection, done: Done): void => {
    configure(connection, statementTimeoutMs).then(
      () => done(null, connection),
      (error: unknown) => done(error as Error, connection),
    );
  };
}

async function configure(connection: RawConnection, statementTimeoutMs: number | undefined): Promise<void> {
  const variables = Object.fromEntries(
    (await query(connection, "SHOW VARIABLES WHERE Variable_name IN ('version', 'wsrep_on')")).map((row) => [row.Variable_name, row.Value]),
  );
  const mariadb = /mariadb/i.test(variables.version ?? '');
  if (statementTimeoutMs) {
    const lockSeconds = Math.max(1, Math.ceil(statementTimeoutMs / 1000));
    const statement = mariadb ? `max_statement_time = ${statementTimeoutMs / 1000}` : `max_execution_time = ${statementTimeoutMs}`;
    await query(connection, `SET SESSION ${statement}, innodb_lock_wait_timeout = ${lockSeconds}, lock_wait_timeout = ${lockSeconds}`);
  }
  if (mariadb && variables.wsrep_on === 'ON') await query(connection, 'SET SESSION wsrep_sync_wait = 1');
}
