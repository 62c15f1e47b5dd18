import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connect.js';
import { migrationSource } from '../../db/migrations/index.js';
import { migrateSafely } from '../../db/startup/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { processScope, type GatehouseProcess } from '../support/process.js';
import { appliedMigrations, schemaOf } from '../support/schema.js';

const quiet = { info: () => undefined, warn: () => undefined };
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-starters-'));

/**
 * Instances started together on an empty database, as a deployment starts them: one migrates,
 * the others wait for it, all serve. A starter killed (SIGKILL) in the middle of a migration
 * leaves a half-built schema and knex's lock set on MySQL; the next start recovers it alone.
 */
const ALL_MIGRATIONS = (await migrationSource.getMigrations([])).length;

describe('instances starting on one database', { timeout: 180_000 }, () => {
  const scope = processScope();
  afterEach(() => scope.end());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const spawn = (env: Record<string, string>) => scope.spawn({ env });
  const mysqlDatabase = async (): Promise<TestDatabase> => {
    const db = await createTestDatabase('mysql');
    scope.defer(() => db.drop());
    return db;
  };
  /** What a run of the migrations that nobody interrupted leaves. */
  const cleanSchema = async (kind: 'mysql' | 'sqlite') => {
    const clean = await createTestDatabase(kind);
    await migrateSafely(clean.db, quiet);
    const schema = await schemaOf(clean.db);
    await clean.drop();
    return schema;
  };
  const stopAll = async (instances: GatehouseProcess[]) => {
    for (const p of instances) p.child.kill('SIGTERM');
    expect(await Promise.all(instances.map((p) => p.exited))).toEqual(instances.map(() => 0));
  };

  it('three starters on an empty MariaDB database all serve; one migrated, the others waited', async () => {
    const database = await mysqlDatabase();
    const instances = await Promise.all([1, 2, 3].map(() => spawn({ DATABASE_URL: database.url! })));
    await Promise.all(instances.map((p) => p.waitForReady(90_000)));

    expect(instances.filter((p) => p.lines.some((l) => l.includes(`"message":"applied ${ALL_MIGRATIONS} migration(s)"`))).length).toBe(1);
    expect(instances.flatMap((p) => p.lines).filter((l) => /"level":"error"|MigrationLocked|already exists/.test(l))).toEqual([]);
    expect(await appliedMigrations(database.db)).toEqual(await migrationSource.getMigrations([]));
    expect(await schemaOf(database.db)).toEqual(await cleanSchema('mysql'));
    await stopAll(instances);
  });

  it('two starters on one new SQLite file both serve, and the file is whole', async () => {
    const path = join(dir, 'shared.sqlite');
    const instances = await Promise.all([1, 2].map(() => spawn({ GATEHOUSE_SQLITE_PATH: path })));
    await Promise.all(instances.map((p) => p.waitForReady(90_000)));
    await stopAll(instances);
    const db = openDatabase({ sqlitePath: path, poolMax: 1, acquireTimeoutMs: 5000 });
    expect((await db.raw('pragma integrity_check')) as unknown).toEqual([{ integrity_check: 'ok' }]);
    expect(await appliedMigrations(db)).toEqual(await migrationSource.getMigrations([]));
    expect(await schemaOf(db)).toEqual(await cleanSchema('sqlite'));
    await db.destroy();
  });

  it('a starter killed mid-migration on MariaDB is recovered by the next start, with no hand repair', async () => {
    const database = await mysqlDatabase();
    // Step 3 of the first migration: `accounts` exists with one of its unique indexes, not the next.
    const doomed = await spawn({ DATABASE_URL: database.url!, GATEHOUSE_TEST_PAUSE_MIGRATION_AT_STEP: '3' });
    await doomed.waitForLine(/test hook: paused before migration step 3/, 90_000);
    doomed.kill();
    await doomed.exited;

    // What the operator found before: half a schema and knex's lock still set.
    expect(await database.db.schema.hasTable('accounts')).toBe(true);
    expect(await database.db.schema.hasTable('sessions')).toBe(false);
    expect(await database.db('knex_migrations_lock').pluck('is_locked')).toEqual([1]);
    expect(await database.db('gatehouse_migration_lock').whereNotNull('owner').count({ n: '*' })).toEqual([{ n: '1' }]);

    const next = await spawn({ DATABASE_URL: database.url! });
    await next.waitForReady(90_000);
    const log = next.lines.join('\n');
    expect(log).toMatch(/took over the migration lock of [^ ]+: no heartbeat for 15 s \(it stopped while migrating\)/);
    expect(log).toContain('released a migration lock left by a starter that stopped mid-migration; resuming its migration');
    expect(await appliedMigrations(database.db)).toEqual(await migrationSource.getMigrations([]));
    expect(await schemaOf(database.db)).toEqual(await cleanSchema('mysql'));
    expect(await database.db('knex_migrations_lock').pluck('is_locked')).toEqual([0]);
    await stopAll([next]);
  });

  it('a starter killed mid-migration on SQLite leaves nothing half-done', async () => {
    const path = join(dir, 'killed.sqlite');
    const doomed = await spawn({ GATEHOUSE_SQLITE_PATH: path, GATEHOUSE_TEST_PAUSE_MIGRATION_AT_STEP: '3' });
    await doomed.waitForLine(/test hook: paused before migration step 3/, 90_000);
    doomed.kill();
    await doomed.exited;

    const next = await spawn({ GATEHOUSE_SQLITE_PATH: path });
    await next.waitForReady(90_000);
    await stopAll([next]);
    const db = openDatabase({ sqlitePath: path, poolMax: 1, acquireTimeoutMs: 5000 });
    expect(await appliedMigrations(db)).toEqual(await migrationSource.getMigrations([]));
    expect(await schemaOf(db)).toEqual(await cleanSchema('sqlite'));
    await db.destroy();
  });
});
