import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_REQUEST } from '../../core/kernel/audit.js';
import { Auditor, AuditTrail } from '../../core/kernel/audit.js';
import { systemClock } from '../../core/clock.js';
import type { PortalStore } from '../../core/faces/portal/index.js';
import { DirectoryService } from '../../core/kernel/directory.js';
import type { KernelStore } from '../../core/kernel/ports.js';
import { KnexPortalRepository } from '../../db/repositories/portal.js';
import { faceStore } from '../../db/store.js';
import { createMigratedStore, DATABASES, type TestDatabase } from '../support/databases.js';

/** The portal's claims are conditional UPDATEs: racing requests (on any instance) get one winner. */
describe.each(DATABASES)('portal storage on %s', (kind) => {
  let database: TestDatabase;
  let kernelStore: KernelStore;
  let store: PortalStore;
  let accountId: number;
  const later = () => new Date(Date.now() + 60_000);

  beforeAll(async () => {
    ({ database, store: kernelStore } = await createMigratedStore(kind));
    store = faceStore(database.db, (db) => ({ portal: new KnexPortalRepository(db) })).store;
    accountId = (await kernelStore.accounts.insert({ uuid: randomUUID(), username: 'uma', email: 'uma@example.com', displayName: 'Uma', passwordHash: null, isAdmin: false, roles: [], at: new Date() })).id;
  });
  afterAll(async () => database?.drop());

  it('creates organizations and memberships, changes a role in place, lists oldest first', async () => {
    const admin = new DirectoryService(kernelStore, systemClock, new AuditTrail(kernelStore.audit, new Auditor(systemClock)));
    const first = await admin.createOrganization(' Northwind ', NO_REQUEST);
    const second = await admin.createOrganization('Contoso', NO_REQUEST);
    expect(first).toMatchObject({ name: 'Northwind', uuid: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    await admin.setMember(first.uuid, 'UMA', 'member', NO_REQUEST);
    await admin.setMember(second.uuid, 'uma@example.com', 'admin', NO_REQUEST);
    await admin.setMember(first.uuid, 'uma', 'admin', NO_REQUEST);
    expect((await admin.memberships(accountId)).map((m) => [m.organization.name, m.role])).toEqual([['Northwind', 'admin'], ['Contoso', 'admin']]);
    await expect(admin.setMember(first.uuid, 'uma', 'Bad Role', NO_REQUEST)).rejects.toMatchObject({ code: 'bad_request' });
    await expect(admin.setMember(randomUUID(), 'uma', 'member', NO_REQUEST)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('consumes a code once among ten racing redemptions, never after expiry', async () => {
    await store.portal.insertCode({ purpose: 'cli-exchange', codeHash: 'c'.repeat(64), accountId, organizationId: null, actorAccountId: null, at: new Date(), expiresAt: later() });
    const code = (await store.portal.findCode('cli-exchange', 'c'.repeat(64)))!;
    const results = await Promise.all(Array.from({ length: 10 }, () => store.portal.consumeCode(code.id, new Date())));
    expect(results.filter(Boolean)).toHaveLength(1);
    await store.portal.insertCode({ purpose: 'password-reset', codeHash: 'd'.repeat(64), accountId, organizationId: null, actorAccountId: null, at: new Date(), expiresAt: later() });
    const reset = (await store.portal.findCode('password-reset', 'd'.repeat(64)))!;
    expect(await store.portal.consumeCode(reset.id, new Date(Date.now() + 120_000))).toBe(false);
  });

  it('lets one decision win when approve, reject and a code race, and hands tokens out once', async () => {
    const start = (hash: string) => store.portal.insertLoginSession({ sessionHash: hash, accountId, email: 'uma@example.com', organizationId: null, kind: 'magic-code', clientId: null, codeHash: 'e'.repeat(64), at: new Date(), expiresAt: later(), ip: null, userAgent: null });
    await start('1'.repeat(64));
    const session = (await store.portal.findLoginSession('1'.repeat(64)))!;
    const decisions = await Promise.all((['approved', 'rejected', 'completed', 'approved', 'rejected'] as const).map((d) => store.portal.decide(session.id, d, new Date())));
    expect(decisions.filter(Boolean)).toHaveLength(1);

    await start('2'.repeat(64));
    const approved = (await store.portal.findLoginSession('2'.repeat(64)))!;
    expect(await store.portal.decide(approved.id, 'approved', new Date())).toBe(true);
    const handOuts = await Promise.all(Array.from({ length: 10 }, () => store.portal.handOut(approved.id, new Date())));
    expect(handOuts.filter(Boolean)).toHaveLength(1);

    const now = new Date();
    expect(await store.portal.notePoll(approved.id, now, 2000)).toBe(true);
    expect(await store.portal.notePoll(approved.id, new Date(now.getTime() + 1000), 2000)).toBe(false);
    expect(await store.portal.notePoll(approved.id, new Date(now.getTime() + 2000), 2000)).toBe(true);
  });
});
