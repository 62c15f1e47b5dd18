import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import type { KernelStore } from '../../core/kernel/ports.js';
import { migrateToLatest, openDatabase } from '../../db/connect.js';
import { createKernelStore } from '../../db/store.js';

export type TestDatabaseKind = 'sqlite' | 'mysql';

/** Both dialects, always: the integration suites run against the real MariaDB server and SQLite. */
export const DATABASES: readonly TestDatabaseKind[] = ['sqlite', 'mysql'];

/** The MariaDB server the tests use (CI starts it): root with an empty password by default. */
export const MYSQL_SERVER_URL = process.env.GATEHOUSE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

export interface TestDatabase {
  kind: TestDatabaseKind;
  /** DATABASE_URL for a Gatehouse instance (undefined for SQLite) */
  url: string | undefined;
  sqlitePath: string;
  db: Knex;
  drop(): Promise<void>;
}

/** A fresh, empty database of its own for one test file (files run in parallel). */
export async function createTestDatabase(kind: TestDatabaseKind, server = MYSQL_SERVER_URL): Promise<TestDatabase> {
  const name = `gh_test_${randomBytes(6).toString('hex')}`;
  if (kind === 'sqlite') {
    const sqlitePath = `.tmp/${name}.sqlite`;
    const db = openDatabase({ sqlitePath, poolMax: 1, acquireTimeoutMs: 5000 });
    return {
      kind,
      url: undefined,
      sqlitePath,
      db,
      async drop() {
        await db.destroy();
        const { rm } = await import('node:fs/promises');
        await Promise.all(['', '-wal', '-shm'].map((s) => rm(`${sqlitePath}${s}`, { force: true })));
      },
    };
  }
  const admin = knexFactory({ client: 'mysql2', connection: { uri: server } as never, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const url = `${server}/${name}`;
  const db = openDatabase({ url, sqlitePath: '', poolMax: 5, acquireTimeoutMs: 5000 });
  return {
    kind,
    url,
    sqlitePath: '',
    db,
    async drop() {
      await db.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.destroy();
    },
  };
}

/** A fresh database of the kind with every migration applied, and the kernel's store over it (repository tests). */
export async function createMigratedStore(kind: TestDatabaseKind): Promise<{ database: TestDatabase; store: KernelStore }> {
  const database = await createTestDatabase(kind);
  await migrateToLatest(database.db);
  return { database, store: createKernelStore(database.db) };
}
