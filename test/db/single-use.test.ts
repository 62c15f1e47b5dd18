import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KernelStore } from '../../core/kernel/ports.js';
import { createMigratedStore, DATABASES, type TestDatabase } from '../support/databases.js';

/**
 * Single use is a property of the SQL, not of the process: concurrent claims race in the database
 * and exactly one wins, whichever instance sent it.
 */
describe.each(DATABASES)('single-use claims on %s', (kind) => {
  let database: TestDatabase;
  let store: KernelStore;
  let accountId: number;

  beforeAll(async () => {
    ({ database, store } = await createMigratedStore(kind));
    const account = await store.accounts.insert({ uuid: randomUUID(), username: 'racer', email: null, displayName: 'Racer', passwordHash: null, isAdmin: false, roles: ['viewer'], at: new Date() });
    accountId = account.id;
    expect(account.roles).toEqual(['viewer']);
  });
  afterAll(async () => database?.drop());

  it('lets exactly one of ten concurrent redemptions consume a token', async () => {
    const token = await store.oneTimeTokens.insert({ purpose: 'onetime-login', tokenHash: 'a'.repeat(64), accountId, expiresAt: new Date(Date.now() + 60_000), at: new Date() });
    const results = await Promise.all(Array.from({ length: 10 }, () => store.oneTimeTokens.consume(token.id, new Date())));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.oneTimeTokens.findByHash('onetime-login', 'a'.repeat(64)))!.usedAt).not.toBeNull();
  });

  it('accepts each TOTP time step once, and never an earlier one', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => store.accounts.claimTotpStep(accountId, 1000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.accounts.claimTotpStep(accountId, 999)).toBe(false);
    expect(await store.accounts.claimTotpStep(accountId, 1001)).toBe(true);
  });

  it('reports a duplicate username as a conflict, not a driver error', async () => {
    await expect(
      store.accounts.insert({ uuid: randomUUID(), username: 'racer', email: null, displayName: 'Again', passwordHash: null, isAdmin: false, roles: [], at: new Date() }),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it('rolls back everything a failed transaction wrote', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.accounts.insert({ uuid: randomUUID(), username: 'ghost', email: null, displayName: 'Ghost', passwordHash: null, isAdmin: false, roles: [], at: new Date() });
        throw new Error('boom');
      }),
    ).rejects.toThrow();
    expect(await store.accounts.findByUsername('ghost')).toBeUndefined();
  });
});
