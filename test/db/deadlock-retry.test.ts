import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KernelStore } from '../../core/kernel/ports.js';
import { conflictRetryCounts } from '../../db/retry.js';
import { createMigratedStore, type TestDatabase } from '../support/databases.js';

/**
 * A real InnoDB deadlock on the shared MariaDB: two transactions update two accounts in opposite
 * order. InnoDB rolls one back (1213); the store runs that one again from the start, so both
 * succeed and each wrote its rows exactly once.
 */
describe('deadlocked transactions on MariaDB', () => {
  let database: TestDatabase;
  let store: KernelStore;
  const ids: number[] = [];

  beforeAll(async () => {
    ({ database, store } = await createMigratedStore('mysql'));
    for (const username of ['left', 'right']) {
      const account = await store.accounts.insert({ uuid: randomUUID(), username, email: null, displayName: username, passwordHash: null, isAdmin: false, roles: [], at: new Date() });
      ids.push(account.id);
    }
  });
  afterAll(async () => database?.drop());

  it('re-runs the deadlock victim and answers both callers', async () => {
    const before = conflictRetryCounts();
    // Both transactions hold their first row lock before either asks for its second one.
    let arrived = 0;
    let release!: () => void;
    const bothLocked = new Promise<void>((resolve) => (release = resolve));
    const runs = { forward: 0, backward: 0 };
    const transfer = (name: 'forward' | 'backward', first: number, second: number) =>
      store.transaction(async (tx) => {
        runs[name]++;
        await tx.accounts.setPassword(first, `hash-${name}`, new Date());
        if (++arrived === 2) release();
        await bothLocked;
        await tx.accounts.setPassword(second, `hash-${name}`, new Date());
        await tx.audit.append({ accountId: first, at: new Date(), level: 'info', module: 'test', message: `transfer ${name}`, requestId: null, ip: null });
        return name;
      });

    const results = await Promise.all([transfer('forward', ids[0]!, ids[1]!), transfer('backward', ids[1]!, ids[0]!)]);
    expect(results).toEqual(['forward', 'backward']);
    // One of them ran twice: the first run was the deadlock victim and was rolled back.
    expect(runs.forward + runs.backward).toBe(3);
    expect(conflictRetryCounts().transaction - before.transaction).toBe(1);
    const audit = await database.db('audit_records').where({ module: 'test' }).orderBy('message');
    expect(audit.map((r: { message: string }) => r.message)).toEqual(['transfer backward', 'transfer forward']);
    // Both rows carry the hash of the transaction that committed last, from one consistent run.
    const hashes = await database.db('accounts').whereIn('id', ids).pluck('password_hash');
    expect(new Set(hashes).size).toBe(1);
  });
});
