import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { GatehouseError } from '../../core/errors.js';
import { GuessBudget, type GuessLimits } from '../../core/kernel/guess-budget.js';
import type { KernelStore } from '../../core/kernel/ports.js';
import { createMigratedStore, DATABASES, type TestDatabase } from '../support/databases.js';

const LIMITS: GuessLimits = { maxFailuresPerUser: 5, maxFailuresPerIp: 50, maxFailuresPerClient: 10, windowSeconds: 600 };

/**
 * A client secret's guess reserved, checked and settled (`GuessBudget.checkOrThrow`): as one
 * locked step (SQLite's write lock, MariaDB's row locks), or apart where MariaDB has no row in
 * the window yet; the budget must read the same either way.
 */
describe.each(DATABASES)('client-secret guesses settled at once on %s', (kind) => {
  let database: TestDatabase;
  let store: KernelStore;
  const clock = new ManualClock(new Date('2026-12-04T10:00:00Z'));
  let guesses: GuessBudget;

  beforeAll(async () => {
    ({ database, store } = await createMigratedStore(kind));
    guesses = new GuessBudget(clock, LIMITS, store.guessBudgets, store.loginAttempts);
  });
  afterAll(async () => database?.drop());

  it('settles in one step; on MariaDB once the bucket has its row in its window', async () => {
    const probe = [{ bucket: 'client:probe', limit: 3 }];
    const settle = (right: boolean) => store.guessBudgets.settleAtOnce(probe, clock.now(), new Date(0), () => right);
    // MariaDB leaves a new bucket to the reservation apart, which makes its row.
    expect(await settle(true)).toEqual(kind === 'sqlite' ? { right: true } : undefined);
    expect(await guesses.checkOrThrow({ client: 'probe' }, null, () => false, 'probe')).toBe(false);
    expect(await settle(true)).toEqual({ right: true });
    expect(await guesses.used({ client: 'probe' })).toBe(1);
    expect(await settle(false)).toEqual({ right: false });
    expect(await guesses.used({ client: 'probe' })).toBe(2);
    expect(await settle(true)).toEqual({ right: true });
    // The budget is spent: refused without a check.
    expect(await settle(false)).toEqual({ right: false });
    let checked = false;
    const refused = await store.guessBudgets.settleAtOnce(probe, clock.now(), new Date(0), () => (checked = true));
    expect(refused).toMatchObject({ refused: { bucket: 'client:probe', limit: 3 } });
    expect(checked).toBe(false);
  });

  it('keeps wrong guesses spent, gives right ones back, and records each failure', async () => {
    const check = (right: boolean) => guesses.checkOrThrow({ client: 'grafana' }, '198.51.100.7', () => right, 'bad_client_secret');
    expect(await check(false)).toBe(false);
    expect(await check(true)).toBe(true);
    expect(await check(false)).toBe(false);
    expect(await check(true)).toBe(true);
    expect(await guesses.used({ client: 'grafana' })).toBe(2);
    expect(await guesses.used({ address: '198.51.100.7' })).toBe(2);
    const failures = await database.db('login_attempts').where({ reason: 'bad_client_secret' }).select('scope', 'attempt_key');
    expect(failures.map((f) => `${f.scope} ${f.attempt_key}`).sort()).toEqual(['ip 198.51.100.7', 'ip 198.51.100.7', 'user client:grafana', 'user client:grafana']);
  });

  it('checks no more than the budget in a parallel burst, then refuses the right secret unchecked', async () => {
    let checked = 0;
    const wrong = () => guesses.checkOrThrow({ client: 'burst' }, '198.51.100.8', () => (checked++, false), 'bad_client_secret');
    const outcomes = await Promise.allSettled(Array.from({ length: 25 }, wrong));
    expect(checked).toBe(LIMITS.maxFailuresPerClient);
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason as GatehouseError);
    expect(refused).toHaveLength(15);
    expect(refused.every((e) => e.code === 'throttled' && e.retryAfterSeconds === LIMITS.windowSeconds)).toBe(true);
    await expect(guesses.checkOrThrow({ client: 'burst' }, '198.51.100.8', () => (checked++, true), 'bad_client_secret')).rejects.toMatchObject({ code: 'throttled' });
    expect(checked).toBe(LIMITS.maxFailuresPerClient);
    // All or nothing: the refused guesses spent nothing from the address.
    expect(await guesses.used({ address: '198.51.100.8' })).toBe(LIMITS.maxFailuresPerClient);
  });

  it('starts the next window with the first wrong guess after the last one ended', async () => {
    clock.advance(LIMITS.windowSeconds + 1);
    expect(await guesses.checkOrThrow({ client: 'burst' }, '198.51.100.8', () => false, 'bad_client_secret')).toBe(false);
    expect(await guesses.used({ client: 'burst' })).toBe(1);
    expect(await guesses.checkOrThrow({ client: 'burst' }, '198.51.100.8', () => true, 'bad_client_secret')).toBe(true);
    expect(await guesses.used({ client: 'burst' })).toBe(1);
  });
});

describe('a client-secret guess on SQLite', () => {
  let database: TestDatabase;
  let store: KernelStore;
  let guesses: GuessBudget;

  beforeAll(async () => {
    ({ database, store } = await createMigratedStore('sqlite'));
    guesses = new GuessBudget(new ManualClock(), LIMITS, store.guessBudgets, store.loginAttempts);
  });
  afterAll(async () => database?.drop());

  it('holds the file\'s write lock while the secret is checked: no other connection or process can write a guess meanwhile', async () => {
    // Another process's connection to the file: its own knex, its own better-sqlite3 connection.
    const otherInstance = knexFactory({ ...database.db.client.config });
    const other = (await otherInstance.client.acquireConnection()) as { pragma(source: string): unknown; exec(source: string): unknown };
    other.pragma('busy_timeout = 0');
    let seenByOther: unknown;
    try {
      await guesses.checkOrThrow({ client: 'locked' }, null, () => {
        try {
          other.exec('BEGIN IMMEDIATE');
          other.exec('ROLLBACK');
          seenByOther = 'began';
        } catch (error) {
          seenByOther = (error as { code?: string }).code;
        }
        return false;
      }, 'bad_client_secret');
    } finally {
      await otherInstance.client.releaseConnection(other);
      await otherInstance.destroy();
    }
    expect(seenByOther).toBe('SQLITE_BUSY');
    expect(await guesses.used({ client: 'locked' })).toBe(1);
  });
});

describe('a client-secret guess on MariaDB', () => {
  let database: TestDatabase;
  let store: KernelStore;
  let guesses: GuessBudget;

  beforeAll(async () => {
    ({ database, store } = await createMigratedStore('mysql'));
    guesses = new GuessBudget(new ManualClock(), LIMITS, store.guessBudgets, store.loginAttempts);
  });
  afterAll(async () => database?.drop());

  it('holds the buckets\' row locks while the secret is checked: a locked read from another connection waits for the count', async () => {
    const guess = () => guesses.checkOrThrow({ client: 'locked' }, '198.51.100.9', () => false, 'bad_client_secret');
    await guess(); // makes the rows: the next guess is settled in one locked step
    const other = database.db.client;
    const connection = (await other.acquireConnection()) as { query(sql: string, values: unknown[], done: (e: Error | null, rows: { used: number }[]) => void): void };
    let seenByOther: Promise<number> | undefined;
    try {
      await guesses.checkOrThrow({ client: 'locked' }, '198.51.100.9', () => {
        // Sent while the step holds its locks, before it counts this wrong guess.
        seenByOther = new Promise((resolve, reject) =>
          connection.query("select used from guess_budgets where bucket = 'client:locked' for update", [], (e, rows) => (e ? reject(e) : resolve(Number(rows[0]!.used)))),
        );
        return false;
      }, 'bad_client_secret');
      expect(await seenByOther).toBe(2);
    } finally {
      await other.releaseConnection(connection);
    }
    expect(await guesses.used({ client: 'locked' })).toBe(2);
  });
});
