import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../core/ports.js';
import { migrateToLatest, openDatabase } from '../../db/connect.js';
import { up as createWindowTable } from '../../db/migrations/20261202010000_rate_limits.js';
import { createMigratedStore, createTestDatabase, DATABASES, type TestDatabase } from '../support/databases.js';

const RESHAPING = ['20261203120000_counter_shards', '20261203120100_rate_limit_hits'];

/**
 * MySQL DDL is not transactional: a start that dies inside a migration leaves some steps done and
 * knex's lock set. The reshaping migrations check each step, so the next start finishes the job.
 */
describe.each(DATABASES)('migrations re-run after a crash on %s', (kind) => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    ({ database, store } = await createMigratedStore(kind));
  });
  afterAll(async () => database?.drop());

  it('finishes a half-done reshaping without counting anything twice', async () => {
    const { db } = database;
    // The state a crash left: shards created, one counter already carried over, an increment since.
    await db.schema.createTable('counters', (t) => {
      t.string('name', 64).primary();
      t.bigInteger('value').notNullable().defaultTo(0);
    });
    await db('counters').insert([
      { name: 'web_sessions.created_total', value: 7 },
      { name: 'web_sessions.revoked_total', value: 2 },
    ]);
    await db('counter_shards').insert([
      { name: 'web_sessions.created_total', shard: -1, value: 7 },
      { name: 'web_sessions.created_total', shard: 3, value: 1 },
    ]);
    await createWindowTable(db);
    await db('knex_migrations').whereIn('name', RESHAPING).delete();
    // On MySQL the dead start also left knex's lock set (on SQLite the DDL rolled back with it).
    if (kind === 'mysql') await db('knex_migrations_lock').update({ is_locked: 1 });

    await migrateToLatest(db);

    expect(await store.counters.read(['web_sessions.created_total', 'web_sessions.revoked_total'])).toEqual({ 'web_sessions.created_total': 8, 'web_sessions.revoked_total': 2 });
    expect([await db.schema.hasTable('counters'), await db.schema.hasTable('rate_limit_windows')]).toEqual([false, false]);
    expect(await db('knex_migrations').whereIn('name', RESHAPING).pluck('name')).toEqual(RESHAPING);
    expect((await db('knex_migrations_lock').pluck('is_locked')).map(Number)).toEqual([0]);
  });
});

/** Instances that start together on one empty MySQL database migrate it once, one after the other. */
describe('migrations by three starters at once on MariaDB', () => {
  let database: TestDatabase;
  const pools: Knex[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('mysql');
    for (let i = 0; i < 3; i++) pools.push(openDatabase({ url: database.url, sqlitePath: '', poolMax: 2, acquireTimeoutMs: 5000 }));
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.destroy()));
    await database?.drop();
  });

  it('applies every migration exactly once and leaves no lock or lease behind', async () => {
    await Promise.all(pools.map((pool) => migrateToLatest(pool)));
    const names: string[] = await database.db('knex_migrations').pluck('name');
    expect(names.length).toBe(new Set(names).size);
    expect(names).toEqual(expect.arrayContaining(RESHAPING));
    expect((await database.db('knex_migrations_lock').pluck('is_locked')).map(Number)).toEqual([0]);
    expect(await database.db('gatehouse_migration_lease').select()).toEqual([]);
  });
});
