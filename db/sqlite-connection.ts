/**
 * What the hot paths use of a better-sqlite3 connection: statements prepared once per connection,
 * rows read raw into objects of one shape, and commits that need not wait for the disk.
 */

export interface SqliteStatement {
  get(...values: unknown[]): unknown;
  all(...values: unknown[]): unknown[];
  run(...values: unknown[]): { changes: number };
  raw(toggle: boolean): SqliteStatement;
  columns(): { name: string }[];
}

export interface SqliteConnection {
  readonly inTransaction: boolean;
  prepare(sql: string): SqliteStatement;
  pragma(source: string, options: { simple: true }): unknown;
}

/** What is made once per connection and SQL text (a statement, a row reader), kept with the connection. */
class PerConnection<T> {
  readonly #made = new WeakMap<object, Map<string, T>>();

  constructor(private readonly make: (connection: SqliteConnection, sql: string) => T) {}

  of(connection: SqliteConnection, sql: string): T {
    let made = this.#made.get(connection);
    if (!made) this.#made.set(connection, (made = new Map()));
    let value = made.get(sql);
    if (value === undefined) made.set(sql, (value = this.make(connection, sql)));
    return value;
  }
}

/** better-sqlite3 statements of each connection, prepared on first use. */
const statements = new PerConnection((connection, sql) => connection.prepare(sql));

export function sqliteStatement(connection: SqliteConnection, sql: string): SqliteStatement {
  return statements.of(connection, sql);
}

type Row = Record<string, unknown>;

/**
 * The rows of a hot-path query, as better-sqlite3 would give them. better-sqlite3 builds a row
 * object key by key and interns every column name again for every row; read raw and put into an
 * object of a shape fixed per statement, the 27-column session lookup costs 8–10 µs instead of
 * 13–20 µs. The statement is the reader's own (raw mode is a statement's state), so
 * `sqliteStatement` users never see it raw.
 */
export function sqliteRows(connection: SqliteConnection, sql: string): RowReader {
  return rowReaders.of(connection, sql);
}

class RowReader {
  readonly #row: (values: unknown[]) => Row;

  constructor(private readonly statement: SqliteStatement) {
    this.#row = rowOf(statement.columns().map((c) => c.name));
  }

  first(values: unknown[]): Row | undefined {
    const found = this.statement.get(...values) as unknown[] | undefined;
    return found && this.#row(found);
  }

  all(values: unknown[]): Row[] {
    return (this.statement.all(...values) as unknown[][]).map(this.#row);
  }
}

const rowReaders = new PerConnection((connection, sql) => new RowReader(connection.prepare(sql).raw(true)));

/** Plain identifiers only go into generated code; `__proto__` would set the row's prototype. */
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * An object literal of the statement's columns in order, compiled once: every row gets one hidden
 * class, as better-sqlite3's own objects do not. A later column of the same name wins, as it does
 * in better-sqlite3's rows. Names that are not plain identifiers are copied key by key instead.
 */
function rowOf(names: readonly string[]): (values: unknown[]) => Row {
  if (names.every((name) => PLAIN_NAME.test(name) && name !== '__proto__')) {
    return new Function('v', `return { ${names.map((name, i) => `${name}: v[${i}]`).join(', ')} };`) as (values: unknown[]) => Row;
  }
  return (values) => {
    const row: Row = {};
    names.forEach((name, i) => Object.defineProperty(row, name, { value: values[i], enumerable: true, writable: true, configurable: true }));
    return row;
  };
}

/** Each connection's own `synchronous` level, read once: an unsynced write restores it. */
const syncLevels = new WeakMap<object, number>();

/**
 * Runs `work` with the connection's commits not waiting for the disk (`synchronous = NORMAL`),
 * then restores the connection's own level. better-sqlite3 is synchronous: nothing else runs on
 * the connection meanwhile.
 */
export function unsynced<T>(sqlite: SqliteConnection, work: () => T): T {
  let level = syncLevels.get(sqlite);
  if (level === undefined) syncLevels.set(sqlite, (level = Number(sqlite.pragma('synchronous', { simple: true }))));
  sqliteStatement(sqlite, 'PRAGMA synchronous = NORMAL').run();
  try {
    return work();
  } finally {
    sqliteStatement(sqlite, `PRAGMA synchronous = ${level}`).run();
  }
}
