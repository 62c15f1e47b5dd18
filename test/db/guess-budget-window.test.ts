import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KernelStore } from '../../core/kernel/ports.js';
import { createMigratedStore, DATABASES, type TestDatabase } from '../support/databases.js';

/**
 * Guesses that arrive together when a budget's window has ended: one of them starts the next
 * window, the others are counted in it. None is refused while the new window has room (they once
 * were: each found the old window over, and only the first could renew it).
 */
describe.each(DATABASES)('guess budget window rollover on %s', (kind) => {
  let database: TestDatabase;
  let store: KernelStore;

  beforeAll(async () => {
    ({ database, store } = await createMigratedStore(kind));
  });
  afterAll(async () => database?.drop());

  it('counts 40 parallel guesses at a window end in the new window, refusing none of them', async () => {
    const start = new Date('2026-12-04T10:00:00Z');
    expect(await store.guessBudgets.reserve('address:203.0.113.9', 100, start, new Date(start.getTime() - 10_000))).toEqual({ reserved: true });
    const later = new Date(start.getTime() + 11_000);
    const floor = new Date(later.getTime() - 10_000);
    for (let round = 0; round < 3; round++) {
      const at = new Date(later.getTime() + round * 11_000);
      const outcomes = await Promise.all(Array.from({ length: 40 }, () => store.guessBudgets.reserve('address:203.0.113.9', 100, at, new Date(floor.getTime() + round * 11_000))));
      expect(outcomes.filter((o) => o.reserved)).toHaveLength(40);
      expect(await store.guessBudgets.used('address:203.0.113.9')).toBe(40);
    }
  });

  it('still refuses past the limit in the new window', async () => {
    const at = new Date('2026-12-05T10:00:00Z');
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => store.guessBudgets.reserve('account:77', 10, at, new Date(at.getTime() - 10_000))));
    expect(outcomes.filter((o) => o.reserved)).toHaveLength(10);
  });
});
