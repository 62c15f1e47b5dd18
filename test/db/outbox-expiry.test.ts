import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KernelStore } from '../../core/kernel/ports.js';
import { DATABASES, createMigratedStore, type TestDatabase } from '../support/databases.js';
import { rows } from '../support/db-assert.js';

/** The outbox keeps a message's live link or code no longer than the secret lives. */
describe.each(DATABASES)('mail outbox expiry on %s', (kind) => {
  let database: TestDatabase;
  let store: KernelStore;
  beforeAll(async () => ({ database, store } = await createMigratedStore(kind)));
  afterAll(async () => database?.drop());

  it('deletes the rows whose secrets have expired when the next message is queued', async () => {
    const t0 = new Date('2026-12-03T10:00:00.000Z');
    const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
    await store.outbox.insert({ to: 'a@example.com', subject: 'Your sign-in code', text: 'code 123456', expiresAt: later(600) }, t0);
    await store.outbox.insert({ to: 'b@example.com', subject: 'Reset your password', text: 'link', expiresAt: later(3600) }, later(1));
    await store.outbox.insert({ to: 'c@example.com', subject: 'Welcome', text: 'verify link' }, later(2));
    expect((await rows(database.db, 'mail_outbox')).map((r) => r.recipient)).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);

    await store.outbox.insert({ to: 'd@example.com', subject: 'Your sign-in code', text: 'code 654321', expiresAt: later(1200) }, later(601));
    expect((await rows(database.db, 'mail_outbox')).map((r) => r.recipient)).toEqual(['b@example.com', 'c@example.com', 'd@example.com']);
    // A message that names no expiry keeps a day.
    await store.outbox.insert({ to: 'e@example.com', subject: 'Welcome', text: 'x' }, later(24 * 3600 + 3));
    expect((await rows(database.db, 'mail_outbox')).map((r) => r.recipient)).toEqual(['e@example.com']);
  });
});
