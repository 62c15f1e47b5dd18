import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteRows, sqliteStatement, type SqliteConnection } from '../../db/sqlite-connection.js';

/**
 * Hot-path rows on SQLite are read raw and put into one object shape per statement
 * (db/sqlite-connection.ts): they must be the rows better-sqlite3 itself gives, key for key.
 */
describe('raw rows on sqlite', () => {
  let store: Knex;
  let db: SqliteConnection & { exec(sql: string): void };
  const connection = () => db;
  beforeAll(async () => {
    store = knex({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    db = (await store.client.acquireConnection()) as typeof db;
    db.exec(`create table t (id integer primary key, name text, blob_value blob, amount real, gone text);
             insert into t (name, blob_value, amount, gone) values ('one', x'0102', 1.5, null), ('two', null, -2, 'x');`);
  });
  afterAll(async () => {
    await store.client.releaseConnection(db);
    await store.destroy();
  });

  const same = (sql: string, ...values: unknown[]) => {
    const reader = sqliteRows(connection(), sql);
    expect(reader.first(values)).toEqual(db.prepare(sql).get(...values));
    expect(reader.all(values)).toEqual(db.prepare(sql).all(...values));
    return reader.all(values);
  };

  it('gives every column and value in order, none when nothing matches', () => {
    const rows = same('select * from t order by id');
    expect(rows).toEqual([
      { id: 1, name: 'one', blob_value: Buffer.from([1, 2]), amount: 1.5, gone: null },
      { id: 2, name: 'two', blob_value: null, amount: -2, gone: 'x' },
    ]);
    expect(Object.keys(rows[0]!)).toEqual(['id', 'name', 'blob_value', 'amount', 'gone']);
    expect(sqliteRows(connection(), 'select * from t where id = ?').first([9])).toBeUndefined();
    expect(sqliteRows(connection(), 'select * from t where id = ?').all([9])).toEqual([]);
  });

  it('lets a later column of the same name win, as better-sqlite3 does', () => {
    const [row] = same('select t.name, u.name from t join t as u on u.id = t.id + 1');
    expect(row).toEqual({ name: 'two' });
  });

  it('keeps names that are not identifiers, and never lets a column set the prototype', () => {
    same(`select count(*), 'x' as "a b", 1 as "1st" from t`);
    // Otherwise plain names: only `__proto__` keeps the statement off the compiled object literal.
    const row = sqliteRows(connection(), `select id, name as "__proto__", gone from t where id = 1`).first([])!;
    expect(Object.keys(row)).toEqual(['id', '__proto__', 'gone']);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe('one');
  });

  it('leaves the shared statements of the connection in their ordinary mode', () => {
    sqliteRows(connection(), 'select name from t where id = 1').first([]);
    expect(sqliteStatement(connection(), 'select name from t where id = 1').get()).toEqual({ name: 'one' });
  });
});
