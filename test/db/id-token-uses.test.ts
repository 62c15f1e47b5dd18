import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MgmtStore } from '../../core/faces/mgmt/ports.js';
import { KnexIdTokenUseRepository } from '../../db/repositories/id-token-uses.js';
import { faceStore } from '../../db/store.js';
import { createMigratedStore, DATABASES, type TestDatabase } from '../support/databases.js';

/** An upstream ID token is exchanged once: the unique key decides between racing instances. */
describe.each(DATABASES)('upstream ID token uses on %s', (kind) => {
  let database: TestDatabase;
  let store: MgmtStore;

  beforeAll(async () => {
    ({ database } = await createMigratedStore(kind));
    store = faceStore(database.db, (db) => ({ idTokenUses: new KnexIdTokenUseRepository(db) })).store;
  });
  afterAll(async () => database?.drop());

  it('lets exactly one of ten concurrent claims of a token succeed', async () => {
    const at = new Date();
    const results = await Promise.all(Array.from({ length: 10 }, () => store.idTokenUses.claim('b'.repeat(64), new Date(at.getTime() + 60_000), at)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.idTokenUses.claim('c'.repeat(64), new Date(at.getTime() + 60_000), at)).toBe(true);
  });

  it('forgets only uses of tokens that have expired', async () => {
    const at = new Date('2026-12-02T10:00:00Z');
    await store.idTokenUses.claim('d'.repeat(64), new Date(at.getTime() - 1), at);
    await store.idTokenUses.claim('e'.repeat(64), new Date(at.getTime() + 1), at);
    await store.idTokenUses.prune(at);
    expect((await database.db('upstream_id_token_uses').whereIn('token_key', ['d'.repeat(64), 'e'.repeat(64)])).map((r) => r.token_key)).toEqual(['e'.repeat(64)]);
    expect(await store.idTokenUses.claim('e'.repeat(64), new Date(at.getTime() + 1), at)).toBe(false);
  });
});
