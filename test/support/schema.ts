import type { Knex } from 'knex';
import { dialectOf } from '../../db/connect.js';

const BOOKKEEPING = /^(knex_migrations|knex_migrations_lock|gatehouse_migration_lock)$/;

/**
 * Everything the migrations define, as text to compare: every table's DDL as the database reports
 * it (MySQL SHOW CREATE TABLE, SQLite's stored schema) and the seed rows.
 */
export async function schemaOf(db: Knex): Promise<string[]> {
  const out: string[] = [];
  if (dialectOf(db) === 'mysql') {
    const [tables] = (await db.raw('show tables')) as [Record<string, string>[]];
    for (const table of tables.map((r) => Object.values(r)[0]!).sort()) {
      if (BOOKKEEPING.test(table)) continue;
      const [[row]] = (await db.raw(`show create table \`${table}\``)) as [Record<string, string>[]];
      out.push(String(row!['Create Table']).replace(/ AUTO_INCREMENT=\d+/, ''));
    }
  } else {
    const rows = (await db.raw(`select name, sql from sqlite_master where sql is not null order by name`)) as { name: string; sql: string }[];
    out.push(...rows.filter((r) => !BOOKKEEPING.test(r.name) && !r.name.startsWith('sqlite_')).map((r) => r.sql));
  }
  out.push(`setup_state: ${(await db('setup_state').count({ n: '*' }))[0]!.n}`);
  out.push(`namespaces: ${(await db('namespaces').pluck('name')).join(',')}`);
  return out;
}

/** Names recorded in knex's migration table, in order. */
export async function appliedMigrations(db: Knex): Promise<string[]> {
  return db('knex_migrations').orderBy('id').pluck('name');
}
