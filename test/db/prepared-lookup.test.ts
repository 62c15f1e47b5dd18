import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KernelStore } from '../../core/kernel/ports.js';
import { openDatabase } from '../../db/connect.js';
import { PreparedWrite } from '../../db/prepared.js';
import { DATABASES, createMigratedStore, type TestDatabase } from '../support/databases.js';

/**
 * The hot-path lookups run as prepared statements (db/prepared.ts): the same answer as the query
 * builder, read from the database on every call (a revocation holds on the next request), and the
 * builder's path inside a transaction.
 */
describe.each(DATABASES)('prepared hot-path lookups on %s', (kind) => {
  let database: TestDatabase;
  let store: KernelStore;
  beforeAll(async () => ({ database, store } = await createMigratedStore(kind)));
  afterAll(async () => database?.drop());

  it('finds the session and its account with roles, sees a revocation at once, and runs inside a transaction', async () => {
    const at = new Date('2026-12-04T00:00:00.000Z');
    const account = await store.accounts.insert({ uuid: randomUUID(), username: 'prep', email: 'prep@example.com', displayName: 'Prep', passwordHash: null, isAdmin: true, roles: ['viewer', 'admin'], at });
    const session = await store.sessions.insert({ tokenHash: 'a'.repeat(64), accountId: account.id, kind: 'simple-auth', source: 'login', at, idleExpiresAt: new Date(at.getTime() + 60_000), absoluteExpiresAt: new Date(at.getTime() + 3_600_000), ip: null, userAgent: null });
    const found = await store.sessions.findWithAccount('a'.repeat(64));
    expect(found).toEqual({ session, account: { ...account, roles: ['admin', 'viewer'] } });
    // Many calls on the pool's connections: one statement per connection, no growth in answers.
    const again = await Promise.all(Array.from({ length: 20 }, () => store.sessions.findWithAccount('a'.repeat(64))));
    expect(again.every((r) => r?.session.id === session.id)).toBe(true);
    expect(await store.sessions.findWithAccount('b'.repeat(64))).toBeUndefined();

    await store.sessions.revoke(session.id, new Date(at.getTime() + 1000));
    expect((await store.sessions.findWithAccount('a'.repeat(64)))!.session.revokedAt).toEqual(new Date(at.getTime() + 1000));
    const inTransaction = await store.transaction((tx) => tx.sessions.findWithAccount('a'.repeat(64)));
    expect(inTransaction).toEqual(await store.sessions.findWithAccount('a'.repeat(64)));
  });

  it('reserves and refunds guesses with prepared writes exactly as the builder did: windows by date, limits, refunds never below zero', async () => {
    const now = new Date('2026-12-04T10:00:00.500Z');
    const floor = new Date(now.getTime() - 60_000);
    const bucket = `prepared:${kind}`;
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push((await store.guessBudgets.reserve(bucket, 3, now, floor)).reserved);
    expect(outcomes).toEqual([true, true, true, false]);
    expect(await store.guessBudgets.used(bucket)).toBe(3);
    // The window started at `now` (to the millisecond): a floor one millisecond before it keeps it.
    expect((await store.guessBudgets.reserve(bucket, 4, now, new Date(now.getTime() - 1))).reserved).toBe(true);
    expect(await store.guessBudgets.used(bucket)).toBe(4);
    const later = new Date(now.getTime() + 61_000);
    expect((await store.guessBudgets.reserve(bucket, 3, later, now)).reserved).toBe(true);
    expect(await store.guessBudgets.used(bucket)).toBe(1);
    for (let i = 0; i < 3; i++) await store.guessBudgets.refund([bucket]);
    expect(await store.guessBudgets.used(bucket)).toBe(0);
    // Two buckets (a subject's and an address's) are given back in one statement, each once, and
    // never below zero.
    const address = `prepared-address:${kind}`;
    for (const b of [bucket, address, address]) await store.guessBudgets.reserve(b, 3, later, now);
    await store.guessBudgets.refund([bucket, address]);
    expect([await store.guessBudgets.used(bucket), await store.guessBudgets.used(address)]).toEqual([0, 1]);
    await store.guessBudgets.refund([bucket, address]);
    expect([await store.guessBudgets.used(bucket), await store.guessBudgets.used(address)]).toEqual([0, 0]);
    // Inside a transaction the builder runs, on the transaction's connection.
    await store.transaction((tx) => tx.guessBudgets.reserve(bucket, 3, later, now));
    expect(await store.guessBudgets.used(bucket)).toBe(1);
  });
});

/**
 * SQLite's durability (db/connect.ts, db/prepared.ts): every commit waits for the disk, on every
 * connection, except the counters' commits; MariaDB keeps its server's own setting.
 */
describe('SQLite commits', () => {
  let database: TestDatabase;
  let store: KernelStore;
  beforeAll(async () => ({ database, store } = await createMigratedStore('sqlite')));
  afterAll(async () => database?.drop());

  it('commits a counter without waiting for the disk, and leaves every other write synced (also when the counter write fails)', async () => {
    const level = async () => {
      const connection = (await database.db.client.acquireConnection()) as { pragma(s: string, o: { simple: true }): unknown };
      try {
        return connection.pragma('synchronous', { simple: true });
      } finally {
        await database.db.client.releaseConnection(connection);
      }
    };
    expect(await level()).toBe(2); // FULL: every commit waits for the disk
    // also when the file is already in WAL mode (better-sqlite3 would open it at NORMAL)
    const reopened = openDatabase({ sqlitePath: database.sqlitePath, poolMax: 1, acquireTimeoutMs: 5000 });
    try {
      const connection = (await reopened.client.acquireConnection()) as { pragma(s: string, o: { simple: true }): unknown };
      expect([connection.pragma('journal_mode', { simple: true }), connection.pragma('synchronous', { simple: true })]).toEqual(['wal', 2]);
      await reopened.client.releaseConnection(connection);
    } finally {
      await reopened.destroy();
    }
    const at = new Date('2026-12-04T10:00:00.000Z');
    expect((await store.guessBudgets.reserve('unsynced:sqlite', 3, at, new Date(at.getTime() - 60_000))).reserved).toBe(true);
    expect(await store.guessBudgets.used('unsynced:sqlite')).toBe(1);
    expect(await level()).toBe(2);
    const breaks = new PreparedWrite(database.db, (q, bucket: string) => q('guess_budgets').where('bucket', bucket).update({ used: null }), { syncToDisk: false });
    await expect(breaks.run('unsynced:sqlite')).rejects.toThrow(/NOT NULL/);
    expect(await level()).toBe(2);
    expect(await store.guessBudgets.used('unsynced:sqlite')).toBe(1);
  });
});
