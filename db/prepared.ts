import type { Knex } from 'knex';
import { dialectOf } from './connect.js';
import { mysqlExecute } from './mysql-connection.js';
import { sqliteRows, sqliteStatement, unsynced, type SqliteConnection } from './sqlite-connection.js';

/** A hot-path statement's SQL in the driver's own dialect, and where each call's values go. */
interface CompiledStatement {
  sql: string;
  bindings: readonly unknown[];
  /** for each binding, the index of the call's value it takes, or -1 for a constant */
  slots: readonly number[];
}

const SENTINEL = '\u0000gatehouse-prepared-slot\u0000';

/**
 * The SQL knex builds for `build` with a placeholder per value, and where each value goes. knex
 * builds it once, from the same query builder the rest of the repository uses; per call only the
 * values change.
 */
function compile<A extends unknown[]>(db: Knex, build: (db: Knex, ...values: A) => Knex.QueryBuilder, arity: number, what: string): CompiledStatement {
  const placeholders = Array.from({ length: arity }, (_, i) => `${SENTINEL}${i}`);
  const native = build(db, ...(placeholders as A)).toSQL().toNative();
  const slots = native.bindings.map((b) => placeholders.indexOf(b as string));
  if (new Set(slots.filter((s) => s >= 0)).size !== arity) throw new Error(`${what}: every value must be one binding of its statement`);
  return { sql: native.sql, bindings: native.bindings, slots };
}

/** `changes-unsynced`: rows changed, by a commit that need not wait for the disk (PreparedWrite). */
type Outcome = 'first' | 'all' | 'changes' | 'changes-unsynced';

/**
 * Runs a compiled statement on a pooled connection, prepared once per connection: better-sqlite3's
 * `prepare` (cached here) and mysql2's `execute` (which caches by SQL text per connection). Values
 * are bound as knex binds them (on SQLite a Date as its milliseconds and a boolean as 0/1, as the
 * rest of the store writes them).
 */
async function execute(db: Knex, statement: CompiledStatement, values: readonly unknown[], outcome: Outcome): Promise<unknown> {
  const sqlite = dialectOf(db) === 'sqlite';
  const bindings = statement.bindings.map((constant, i) => {
    const value = statement.slots[i]! < 0 ? constant : values[statement.slots[i]!];
    return sqlite && value instanceof Date ? value.valueOf() : sqlite && typeof value === 'boolean' ? Number(value) : value;
  });
  const connection = (await db.client.acquireConnection()) as object;
  try {
    return sqlite ? sqliteExecute(connection, statement.sql, bindings, outcome) : await mysqlExecute(connection, statement.sql, bindings, outcome === 'changes-unsynced' ? 'changes' : outcome);
  } finally {
    await db.client.releaseConnection(connection);
  }
}

/**
 * A single-row lookup on a hot path (the session behind a cookie, the token behind a bearer, the
 * API credential behind a key) run as a statement prepared once per connection. Building and
 * preparing the statement on every call cost more than running it (91 µs against 11 µs on
 * SQLite). Inside a transaction the plain builder runs instead, on the transaction's connection.
 */
export class PreparedLookup<V extends string | number = string> {
  #statement: CompiledStatement | undefined;

  constructor(
    private readonly db: Knex,
    private readonly build: (db: Knex, value: V) => Knex.QueryBuilder,
  ) {}

  async first(value: V): Promise<Record<string, unknown> | undefined> {
    if (this.db.isTransaction) return (await this.build(this.db, value).first()) as Record<string, unknown> | undefined;
    this.#statement ??= this.compile();
    return (await execute(this.db, this.#statement, [value], 'first')) as Record<string, unknown> | undefined;
  }

  private compile(): CompiledStatement {
    const statement = compile(this.db, this.build, 1, 'prepared lookup');
    // Every lookup is by a unique column. A literal `limit 1`, not knex's bound `limit ?`: SQLite
    // plans a bound limit per execution, which took the session lookup from 13 µs to 40 µs.
    return { ...statement, sql: `${statement.sql} limit 1` };
  }
}

/**
 * A list read on a hot path (the API tokens a caller lists), prepared once per connection like
 * `PreparedLookup`; every row it finds. Inside a transaction the builder runs.
 */
export class PreparedList<A extends unknown[]> {
  #statement: CompiledStatement | undefined;

  constructor(
    private readonly db: Knex,
    private readonly build: (db: Knex, ...values: A) => Knex.QueryBuilder,
  ) {}

  async all(...values: A): Promise<Record<string, unknown>[]> {
    if (this.db.isTransaction) return (await this.build(this.db, ...values)) as Record<string, unknown>[];
    this.#statement ??= compile(this.db, this.build, values.length, 'prepared list');
    return (await execute(this.db, this.#statement, values, 'all')) as Record<string, unknown>[];
  }
}

/**
 * A single-statement write on a hot path (a guess reservation, its refund), prepared once per
 * connection like `PreparedLookup`; returns the rows it changed. Inside a transaction the builder
 * runs.
 *
 * `syncToDisk: false` is for writes the store can afford to lose to a power cut, never to a crash
 * of the process: counters such as guess budgets, written on every sign-in and client
 * authentication and worth nothing once their window ends. On SQLite (WAL mode) such a commit
 * skips the fsync that every other commit waits for (`synchronous = NORMAL` for that statement
 * alone; it is in the WAL, so the next synced commit makes it durable with everything before it):
 * 170 µs → 25 µs per write. Revocations, single-use claims and everything else keep waiting for the
 * disk. MySQL/MariaDB have no per-statement setting and are left as configured.
 */
export class PreparedWrite<A extends unknown[]> {
  #statement: CompiledStatement | undefined;
  readonly #outcome: Outcome;

  constructor(
    private readonly db: Knex,
    private readonly build: (db: Knex, ...values: A) => Knex.QueryBuilder,
    options: { syncToDisk: boolean } = { syncToDisk: true },
  ) {
    this.#outcome = options.syncToDisk ? 'changes' : 'changes-unsynced';
  }

  async run(...values: A): Promise<number> {
    if (this.db.isTransaction) return Number(await this.build(this.db, ...values));
    this.#statement ??= compile(this.db, this.build, values.length, 'prepared write');
    return (await execute(this.db, this.#statement, values, this.#outcome)) as number;
  }
}

function sqliteExecute(connection: object, sql: string, bindings: unknown[], outcome: Outcome): unknown {
  const sqlite = connection as SqliteConnection;
  if (outcome === 'first') return sqliteRows(sqlite, sql).first(bindings);
  if (outcome === 'all') return sqliteRows(sqlite, sql).all(bindings);
  const statement = sqliteStatement(sqlite, sql);
  if (outcome === 'changes') return statement.run(...bindings).changes;
  return unsynced(sqlite, () => statement.run(...bindings).changes);
}
