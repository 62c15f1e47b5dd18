/**
 * knex's own creator of its migration bookkeeping (`knex_migrations`, `knex_migrations_lock` and
 * the lock row), which knex exports from its lib/ but does not type. Called inside a transaction
 * by db/startup/migrate.ts, so the tables are knex's exact shapes and are made atomically.
 */
declare module 'knex/lib/migrations/migrate/table-creator.js' {
  import type { Knex } from 'knex';

  export function ensureTable(tableName: string, schemaName: string | undefined, trxOrKnex: Knex): Promise<unknown>;
}
