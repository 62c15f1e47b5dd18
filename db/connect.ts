import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { sessionSetup } from './session-settings.js';
import { migrateSafely } from './startup/migrate.js';

/** Where knex's own warnings go (pool errors while the database is down, deprecations). */
export interface DatabaseLog {
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface DatabaseOptions {
  /** mysql://user:pass@host:port/db; undefined selects SQLite */
  url?: string | undefined;
  sqlitePath: string;
  poolMax: number;
  acquireTimeoutMs: number;
  /** MySQL/MariaDB: longest a statement may run or wait for a lock (session settings of each connection) */
  statementTimeoutMs?: number | undefined;
  log?: DatabaseLog | undefined;
}

export type Dialect = 'mysql' | 'sqlite';

export function dialectOf(db: Knex): Dialect {
  return db.client.config.client === 'better-sqlite3' ? 'sqlite' : 'mysql';
}

/** Opens the identity store: MySQL/MariaDB through mysql2, or the embedded SQLite file. */
export function openDatabase(options: DatabaseOptions): Knex {
  const log = options.log
    ? {
        // knex's advice on a busy migration lock ("run knex migrate:unlock") is wrong here: the
        // migrator waits for the lock and recovers an abandoned one itself (db/startup/migrate.ts).
        warn: (message: unknown) => /migrate:unlock|take lock to run migrations/.test(String(message)) || options.log!.warn('database', { detail: String(message) }),
        error: (message: unknown) => options.log!.warn('database error', { detail: String(message) }),
        deprecate: (message: unknown) => options.log!.warn('database deprecation', { detail: String(message) }),
        debug: () => undefined,
      }
    : { warn: () => undefined, error: () => undefined, deprecate: () => undefined, debug: () => undefined };
  if (options.url) {
    return knexFactory({
      client: 'mysql2',
      connection: {
        uri: options.url,
        timezone: 'Z',
        charset: 'utf8mb4',
        supportBigNumbers: true,
        bigNumberStrings: true,
        // A request must not hang on a dead server: fail fast, answer 503, retry next request.
        connectTimeout: Math.min(options.acquireTimeoutMs, 10_000),
        enableKeepAlive: true,
      } as Knex.MySql2ConnectionConfig & { uri: string },
      pool: { min: 0, max: options.poolMax, idleTimeoutMillis: 30_000, afterCreate: sessionSetup(options.statementTimeoutMs) },
      acquireConnectionTimeout: options.acquireTimeoutMs,
      log,
    });
  }
  if (options.sqlitePath !== ':memory:') mkdirSync(dirname(options.sqlitePath), { recursive: true });
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename: options.sqlitePath },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: { pragma(s: string): unknown }, done: (err: Error | null, conn: unknown) => void) => {
        conn.pragma('foreign_keys = ON');
        conn.pragma('journal_mode = WAL');
        // Every commit waits for the disk. better-sqlite3 opens a file that is already in WAL
        // mode at NORMAL (SQLITE_DEFAULT_WAL_SYNCHRONOUS=1), which is every connection but the
        // one that first switched the file to WAL: a power cut could undo the last commits (a
        // logout, a used one-time code). Counters that may be lost that way say so per statement
        // (db/prepared.ts).
        conn.pragma('synchronous = FULL');
        conn.pragma('busy_timeout = 5000');
        done(null, conn);
      },
    },
    acquireConnectionTimeout: options.acquireTimeoutMs,
    log,
  });
}

/** Applies pending migrations safely beside other starters (db/startup/migrate.ts), quietly. */
export async function migrateToLatest(db: Knex): Promise<void> {
  await migrateSafely(db, { info: () => undefined, warn: () => undefined });
}

/**
 * A small pool beside `db` without the statement timeout: migrations are not requests, and DDL on
 * a large table may run for minutes (MariaDB stops DDL at max_statement_time too).
 */
export function migrationPool(db: Knex): Knex {
  const config = db.client.config as Knex.Config;
  return knexFactory({ ...config, pool: { min: 0, max: 2, afterCreate: sessionSetup(undefined) } });
}
