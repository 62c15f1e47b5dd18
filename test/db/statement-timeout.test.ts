import { randomUUID } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sa from '../../generated/simple-auth/sdk.gen.js';
import { migrationPool, openDatabase } from '../../db/connect.js';
import { createKernelStore } from '../../db/store.js';
import { createMigratedStore, type TestDatabase } from '../support/databases.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { must, simpleAuthCaller } from '../support/simple-auth.js';

/**
 * A statement that runs or waits for a lock longer than `database.statementTimeoutMs` is stopped
 * by the server (session settings of every pool connection) and the request answers 503, instead
 * of hanging for as long as someone else holds the lock.
 */
describe('statement timeout on MariaDB', () => {
  let database: TestDatabase;
  let limited: Knex;
  let gh: TestGatehouse;
  let accountId: number;

  beforeAll(async () => {
    ({ database } = await createMigratedStore('mysql'));
    limited = openDatabase({ url: database.url, sqlitePath: '', poolMax: 4, acquireTimeoutMs: 5000, statementTimeoutMs: 1000 });
    const account = await createKernelStore(limited).accounts.insert({ uuid: randomUUID(), username: 'held', email: null, displayName: 'Held', passwordHash: null, isAdmin: false, roles: [], at: new Date() });
    accountId = account.id;
    gh = await startGatehouse('mysql', { database: { ...database, db: limited, drop: async () => undefined } });
  });
  afterAll(async () => {
    await gh?.stop();
    await limited?.destroy();
    await database?.drop();
  });

  it('sets the limits on every new connection (whole seconds for lock waits)', async () => {
    const [[row]] = (await limited.raw('SELECT @@max_statement_time AS statement, @@innodb_lock_wait_timeout AS row_lock, @@lock_wait_timeout AS metadata_lock')) as [Record<string, unknown>[]];
    expect(Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]))).toEqual({ statement: 1, row_lock: 1, metadata_lock: 1 });
    await expect(limited.raw('SELECT SLEEP(3)')).rejects.toMatchObject({ errno: 1969 });
    // Migrations run beside the pool, unlimited: DDL on a large table may take minutes.
    const migrator = migrationPool(limited);
    try {
      const [[unlimited]] = (await migrator.raw('SELECT @@max_statement_time AS statement')) as [Record<string, unknown>[]];
      expect(Number(unlimited!.statement)).toBe(0);
    } finally {
      await migrator.destroy();
    }
  });

  it('answers a repository call that waits on a held row lock as unavailable', async () => {
    const holder = await database.db.transaction();
    try {
      await holder('accounts').where({ id: accountId }).forUpdate().first();
      await expect(createKernelStore(limited).accounts.setPassword(accountId, 'hash', new Date())).rejects.toMatchObject({ code: 'unavailable', retryAfterSeconds: 5 });
    } finally {
      await holder.rollback();
    }
  });

  it('answers 503 with Retry-After while a table is locked, and serves again once it is released', async () => {
    const locker = knexFactory({ client: 'mysql2', connection: { uri: database.url } as never, pool: { min: 0, max: 1 } });
    const caller = await simpleAuthCaller(gh);
    const login = () => sa.createSession({ client: caller.client, body: { username: 'held', password: 'not-the-password' } });
    try {
      await locker.raw('LOCK TABLES accounts WRITE');
      const stuck = must(await login());
      expect([stuck.response.status, stuck.response.headers.get('retry-after')]).toEqual([503, '5']);
      expect(stuck.error).toEqual({ error: true, message: 'the identity store is unreachable', reason: 'unavailable' });
      await locker.raw('UNLOCK TABLES');
      expect(must(await login()).response.status).toBe(401);
    } finally {
      await locker.destroy();
    }
  });
});
