import type { Knex } from 'knex';
import { dialectOf } from '../connect.js';

/**
 * Migration steps that can be run again. MySQL commits every DDL statement on its own, so a
 * starter killed half-way through a migration leaves some of its statements applied (a table
 * without its indexes, say) and the migration unrecorded. Each step here therefore looks before
 * it acts: a table that exists is not created again, but the indexes and foreign keys knex adds
 * after `create table` are still checked one by one; columns already added are skipped. SQLite
 * runs DDL in the migration's transaction (nothing half-done survives), so it takes knex's path.
 */
export async function createTable(knex: Knex, name: string, build: (t: Knex.CreateTableBuilder) => void): Promise<void> {
  if (dialectOf(knex) === 'sqlite') return void (await step(`create table ${name}`, () => knex.schema.createTable(name, build)));
  await runResumable(knex, knex.schema.createTable(name, build).toSQL());
}

export async function alterTable(knex: Knex, name: string, build: (t: Knex.AlterTableBuilder) => void): Promise<void> {
  if (dialectOf(knex) === 'sqlite') return void (await step(`alter table ${name}`, () => knex.schema.alterTable(name, build)));
  await runResumable(knex, knex.schema.alterTable(name, build).toSQL());
}

/** Inserts a seed row unless a row with the same key is there already. */
export async function insertMissing(knex: Knex, table: string, key: Record<string, unknown>, row: Record<string, unknown>): Promise<void> {
  if (await knex(table).where(key).first()) return;
  await step(`insert into ${table}`, () => knex(table).insert({ ...key, ...row }));
}

type Statement = { sql: string; bindings?: readonly unknown[] };

/** Test hook (GATEHOUSE_TEST_PAUSE_MIGRATION_AT_STEP): runs before every step, may never return. */
let beforeStep: ((description: string) => Promise<void>) | undefined;

export function onMigrationStep(hook: ((description: string) => Promise<void>) | undefined): void {
  beforeStep = hook;
}

async function step<T>(description: string, run: () => PromiseLike<T>): Promise<T> {
  await beforeStep?.(description);
  return run();
}

async function runResumable(knex: Knex, statements: readonly Statement[]): Promise<void> {
  for (const statement of statements) {
    if (await alreadyApplied(knex, statement.sql)) continue;
    await step(statement.sql, () => knex.raw(statement.sql, (statement.bindings ?? []) as readonly Knex.RawBinding[]));
  }
}

const CREATE = /^create table `([^`]+)`/;
const ADD_INDEX = /^alter table `([^`]+)` add (?:unique|index) `([^`]+)`/;
const ADD_FOREIGN = /^alter table `([^`]+)` add constraint `([^`]+)` foreign key/;
const ADD_COLUMNS = /^alter table `([^`]+)` add `/;
const MODIFY = /^alter table `[^`]+` modify column /;

/** Whether a statement knex generated for MySQL has already taken effect. */
async function alreadyApplied(knex: Knex, sql: string): Promise<boolean> {
  let m: RegExpMatchArray | null;
  if ((m = sql.match(CREATE))) return knex.schema.hasTable(m[1]!);
  if ((m = sql.match(ADD_INDEX))) return exists(knex, 'select 1 from information_schema.statistics where table_schema = database() and table_name = ? and index_name = ?', [m[1]!, m[2]!]);
  if ((m = sql.match(ADD_FOREIGN))) {
    const query = "select 1 from information_schema.table_constraints where table_schema = database() and table_name = ? and constraint_name = ? and constraint_type = 'FOREIGN KEY'";
    return exists(knex, query, [m[1]!, m[2]!]);
  }
  if ((m = sql.match(ADD_COLUMNS))) {
    const table = m[1]!;
    const columns = [...sql.matchAll(/(?:^alter table `[^`]+`|,) add `([^`]+)`/g)].map((c) => c[1]!);
    const present = await Promise.all(columns.map((c) => knex.schema.hasColumn(table, c)));
    // One ALTER TABLE is atomic: all of its columns are there, or none.
    if (present.every(Boolean)) return true;
    if (present.some(Boolean)) throw new Error(`${table}: only some of the columns ${columns.join(', ')} exist; repair by hand`);
    return false;
  }
  // Re-running a column definition changes nothing.
  if (MODIFY.test(sql)) return false;
  throw new Error(`migration statement not known to be re-runnable, extend db/migrations/steps.ts: ${sql.slice(0, 80)}`);
}

async function exists(knex: Knex, sql: string, bindings: string[]): Promise<boolean> {
  const result = (await knex.raw(sql, bindings)) as [unknown[], unknown];
  return result[0].length > 0;
}
