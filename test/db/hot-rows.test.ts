import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounterRepository } from '../../core/faces/platform/ports.js';
import type { KernelStore } from '../../core/kernel/ports.js';
import { COUNTER_SHARDS, KnexCounterRepository } from '../../db/repositories/counters.js';
import { faceStore } from '../../db/store.js';
import { rateLimitWindows } from '../support/db-assert.js';
import { createMigratedStore, DATABASES, type TestDatabase } from '../support/databases.js';

/**
 * No row that every request updates: counters spread over shards, rate-limit windows are appended
 * hit rows. Totals stay exact under parallel writers.
 */
describe.each(DATABASES)('shared counters and rate-limit windows on %s', (kind) => {
  let database: TestDatabase;
  let store: KernelStore & { counters: CounterRepository };

  beforeAll(async () => {
    const migrated = await createMigratedStore(kind);
    database = migrated.database;
    // The kernel's rate limits and the platform face's counters, both over the one test database.
    store = Object.assign(migrated.store, faceStore(database.db, (db) => ({ counters: new KnexCounterRepository(db) })).store);
  });
  afterAll(async () => database?.drop());

  it('counts every parallel increment, spread over at most the shard count of rows', async () => {
    await Promise.all([
      ...Array.from({ length: 60 }, () => store.counters.increment('visits')),
      ...Array.from({ length: 5 }, () => store.counters.increment('reaped', 3)),
    ]);
    expect(await store.counters.read(['visits', 'reaped', 'never'])).toEqual({ visits: 60, reaped: 15, never: 0 });
    const shards = await database.db('counter_shards').where({ name: 'visits' }).pluck('shard');
    expect(shards.length).toBeGreaterThan(1);
    expect(shards.length).toBeLessThanOrEqual(COUNTER_SHARDS);
    expect(shards.every((s: number) => s >= 0 && s < COUNTER_SHARDS)).toBe(true);
  });

  it('counts parallel hits of one window exactly and never lets more than a limit through', async () => {
    const window = new Date('2030-01-01T10:00:00.000Z');
    const counts = await Promise.all(Array.from({ length: 25 }, () => store.rateLimits.hit('portal:198.51.100.7', window)));
    // Each hit sees itself and every hit committed before it: at most ten see a count of ten or less.
    expect(Math.max(...counts)).toBe(25);
    expect(counts.filter((c) => c <= 10).length).toBeLessThanOrEqual(10);
    expect(await store.rateLimits.hit('portal:198.51.100.7', window)).toBe(26);
    expect(await store.rateLimits.hit('portal:203.0.113.9', window)).toBe(1);
    expect(await rateLimitWindows(database.db)).toEqual(
      expect.arrayContaining([
        ['portal:198.51.100.7', 26],
        ['portal:203.0.113.9', 1],
      ]),
    );
  });

  it('prunes only the windows that started before the cut-off', async () => {
    const old = new Date('2030-01-01T09:00:00.000Z');
    const current = new Date('2030-01-01T10:00:00.000Z');
    await store.rateLimits.hit('mgmt:192.0.2.1', old);
    await store.rateLimits.prune(new Date('2030-01-01T09:30:00.000Z'));
    expect(await rateLimitWindows(database.db, 'mgmt:192.0.2.1')).toEqual([]);
    expect(await store.rateLimits.hit('portal:198.51.100.7', current)).toBe(27);
  });
});
