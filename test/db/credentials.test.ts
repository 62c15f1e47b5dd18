import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { CertificateAuthority } from '../../core/faces/credentials/ca.js';
import { SecretBox } from '../../core/crypto.js';
import type { CredentialRepository } from '../../core/faces/credentials/ports.js';
import type { KernelStore } from '../../core/kernel/ports.js';
import { KnexCredentialRepository } from '../../db/repositories/credentials.js';
import { faceStore } from '../../db/store.js';
import { createMigratedStore, DATABASES, type TestDatabase } from '../support/databases.js';

/** The credentials table's rules live in SQL: names unique per namespace, revocation by one DELETE, one CA. */
describe.each(DATABASES)('credential repository on %s', (kind) => {
  let database: TestDatabase;
  let store: KernelStore;
  let credentials: CredentialRepository;
  let accountId: number;

  beforeAll(async () => {
    ({ database, store } = await createMigratedStore(kind));
    credentials = faceStore(database.db, (db) => ({ credentials: new KnexCredentialRepository(db) })).store.credentials;
    accountId = (await store.accounts.insert({ uuid: randomUUID(), username: 'owner', email: null, displayName: 'Owner', passwordHash: null, isAdmin: false, roles: [], at: new Date() })).id;
  });
  afterAll(async () => database?.drop());

  const credential = (name: string, hash: string, family: 'user' | 'service' | 'scim' = 'user') => ({
    uuid: randomUUID(),
    name,
    type: 'API_TOKEN',
    accountId,
    tokenHash: hash.repeat(64).slice(0, 64),
    at: new Date(),
    expiresAt: new Date(Date.now() + 60_000),
    family,
    namespaceRoles: [{ namespace: '*', role: 'viewer' }],
  });

  it('has the system namespace, keeps names unique per namespace and family, and maps rows both ways', async () => {
    expect(await store.directory.namespaceExists('system')).toBe(true);
    expect(await store.directory.namespaceExists('payments')).toBe(false);
    await credentials.insert(credential('same', 'a'));
    await expect(credentials.insert(credential('same', 'b'))).rejects.toMatchObject({ code: 'conflict' });
    await credentials.insert(credential('same', 'c', 'service'));
    const found = await credentials.findByName('system', 'service', 'same');
    expect(found).toMatchObject({ name: 'same', family: 'service', namespace: 'system', enabled: true, revokedAt: null, namespaceRoles: [{ namespace: '*', role: 'viewer' }], userGroupNames: [] });
    expect(found!.expiresAt).toBeInstanceOf(Date);
    expect(await credentials.findServiceCredentialOf(accountId)).toMatchObject({ name: 'same', family: 'service' });
    expect(await credentials.findByName('system', 'user', 'missing')).toBeUndefined();
  });

  it('lists a namespace and family newest first, all of it or one account\'s, prepared or in a transaction alike', async () => {
    const other = (await store.accounts.insert({ uuid: randomUUID(), username: 'lister', email: null, displayName: 'Lister', passwordHash: null, isAdmin: false, roles: [], at: new Date() })).id;
    const t0 = Date.now();
    for (const [i, owner] of [accountId, other, other].entries()) await credentials.insert({ ...credential(`list-${i}`, `${i}f`), accountId: owner, at: new Date(t0 + i * 1000) });
    const names = (records: { name: string }[] | undefined) => records!.map((r) => r.name).filter((n) => n.startsWith('list-'));
    expect(names(await credentials.list('system', 'user'))).toEqual(['list-2', 'list-1', 'list-0']);
    expect(names(await credentials.list('system', 'user', other))).toEqual(['list-2', 'list-1']);
    expect(names(await credentials.list('system', 'service', other))).toEqual([]);
    // One read says whether the namespace exists: none at all, or one without credentials.
    expect(await credentials.list('payments', 'user', other)).toBeUndefined();
    expect(await credentials.list('payments', 'user')).toBeUndefined();
    await store.directory.insertNamespace('empty-ns', new Date());
    expect(await credentials.list('empty-ns', 'user', other)).toEqual([]);
    expect(await credentials.list('empty-ns', 'user')).toEqual([]);
    const inTransaction = await database.db.transaction((trx) => new KnexCredentialRepository(trx).list('system', 'user', other));
    expect(inTransaction).toEqual(await credentials.list('system', 'user', other));
    const emptyInTransaction = await database.db.transaction((trx) => new KnexCredentialRepository(trx).list('payments', 'user', other));
    expect(emptyInTransaction).toBeUndefined();
  });

  it('lets exactly one of ten concurrent revokes delete a credential', async () => {
    await credentials.insert(credential('racy', 'd'));
    const row = await credentials.findByName('system', 'user', 'racy');
    const results = await Promise.all(Array.from({ length: 10 }, () => credentials.delete(row!.id)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await credentials.findByName('system', 'user', 'racy')).toBeUndefined();
  });

  it('renews only the named type, and lists expired rows', async () => {
    await credentials.insert({ ...credential('cert', 'e'), type: 'API_CERTIFICATE', expiresAt: new Date(Date.now() - 1000) });
    const cert = await credentials.findByName('system', 'user', 'cert');
    expect(await credentials.renew(cert!.id, 'API_TOKEN', new Date(Date.now() + 1000), new Date())).toBe(false);
    expect((await credentials.listExpired('system', 'user', new Date(), { type: 'API_CERTIFICATE' })).map((c) => c.name)).toEqual(['cert']);
    expect(await credentials.listExpired('system', 'user', new Date(), { type: 'API_TOKEN' })).toEqual([]);
  });

  it('keeps one credential CA when several instances create it at once', async () => {
    const box = new SecretBox(randomBytes(32));
    const cas = Array.from({ length: 3 }, () => new CertificateAuthority(credentials, new ManualClock(), box, 'acme'));
    const pems = await Promise.all(cas.map((ca) => ca.certificatePem()));
    expect(new Set(pems).size).toBe(1);
    expect(Number((await database.db('credential_ca').count({ n: '*' }))[0]!.n)).toBe(1);
  });
});
