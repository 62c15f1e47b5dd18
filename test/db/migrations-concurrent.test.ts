import knexFactory, { type Knex } from 'knex';
import { ensureTable } from 'knex/lib/migrations/migrate/table-creator.js';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationSource } from '../../db/migrations/index.js';
import { migrateSafely, migrationStatus } from '../../db/startup/migrate.js';
import { withMigrationLock } from '../../db/startup/migration-lock.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { appliedMigrations, schemaOf } from '../support/schema.js';

/** The parts of a better-sqlite3 connection the interleaving test drives synchronously. */
interface RawSqlite {
  pragma(source: string): unknown;
  exec(source: string): unknown;
  prepare(source: string): { get(): unknown; run(): unknown };
}

/** A log the test can read. */
function recorder() {
  const lines: string[] = [];
  return { lines, log: { info: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(m) } };
}

/** Another process's view of the same database: its own knex and pool. */
const anotherInstance = (database: TestDatabase): Knex => knexFactory({ ...database.db.client.config, pool: database.kind === 'sqlite' ? database.db.client.config.pool : { min: 0, max: 2 } });

describe('several instances migrating one database at once', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const done of cleanup.splice(0).reverse()) await done();
  });

  async function emptyDatabase(kind: 'mysql' | 'sqlite') {
    const database = await createTestDatabase(kind);
    const instances = [database.db, anotherInstance(database), anotherInstance(database)];
    cleanup.push(async () => {
      for (const db of instances.slice(1)) await db.destroy();
      await database.drop();
    });
    return { database, instances };
  }

  it.each(['mysql', 'sqlite'] as const)('on %s: three migrators started together all succeed; the migrations run once', async (kind) => {
    const { database, instances } = await emptyDatabase(kind);
    const logs = instances.map(() => recorder());
    await Promise.all(instances.map((db, i) => migrateSafely(db, logs[i]!.log)));

    const all = await migrationSource.getMigrations([]);
    expect(await appliedMigrations(database.db)).toEqual(all);
    expect(await migrationStatus(database.db)).toEqual({ applied: all, pending: [], unknown: [] });
    expect(logs.filter((l) => l.lines.some((line) => line === `applied ${all.length} migration(s)`)).length).toBe(1);
    expect(await database.db('knex_migrations_lock').pluck('is_locked')).toEqual([0]);
  });

  it('on sqlite: a second starter that looks at knex\'s lock table while the first creates it cannot add a second lock row', async () => {
    const { database } = await emptyDatabase('sqlite');
    // The other starter is another process: its own connection, and it runs knex's own creation
    // steps (table-creator.js) at the worst moment, just before the first one's lock row is written.
    const otherInstance = anotherInstance(database);
    const other = (await otherInstance.client.acquireConnection()) as RawSqlite;
    other.pragma('busy_timeout = 0');
    const otherOutcome: string[] = [];
    const interleave = (query: { sql: string }) => {
      if (!/^insert into `knex_migrations_lock`/.test(query.sql) || otherOutcome.length) return;
      try {
        other.exec('create table if not exists `knex_migrations_lock` (`index` integer not null primary key autoincrement, `is_locked` integer)');
        const { n } = other.prepare('select count(*) as n from knex_migrations_lock').get() as { n: number };
        if (n === 0) other.prepare('insert into knex_migrations_lock (is_locked) values (0)').run();
        otherOutcome.push(n === 0 ? 'inserted' : 'found a row');
      } catch (error) {
        otherOutcome.push((error as { code?: string }).code ?? String(error));
      }
    };
    database.db.on('query', interleave);
    await migrateSafely(database.db, recorder().log);
    database.db.off('query', interleave);
    await otherInstance.client.releaseConnection(other);
    await otherInstance.destroy();

    expect(otherOutcome).toEqual(['SQLITE_BUSY']);
    expect(await database.db('knex_migrations_lock').pluck('is_locked')).toEqual([0]);
    expect(await appliedMigrations(database.db)).toEqual(await migrationSource.getMigrations([]));
  });

  it('on sqlite: a lock table that two starters both filled is mended, and the migrations run', async () => {
    const { database } = await emptyDatabase('sqlite');
    // What the race leaves when knex creates its tables unguarded: two lock rows, so its
    // `update … where is_locked = 0` never touches exactly one and every start waits forever.
    await ensureTable('knex_migrations', undefined, database.db); // knex's tables, with its one lock row
    await database.db('knex_migrations_lock').insert({ is_locked: 0 }); // the second starter's
    await expect(database.db.migrate.latest({ migrationSource })).rejects.toThrow(/Migration table is already locked/);

    const { lines, log } = recorder();
    await migrateSafely(database.db, log);
    expect(lines).toContain("mended knex's migration lock table: it had 2 rows (two starters created it at once), keeping one");
    expect(await database.db('knex_migrations_lock').pluck('is_locked')).toEqual([0]);
    expect(await appliedMigrations(database.db)).toEqual(await migrationSource.getMigrations([]));
  });

  it('on mysql: a set knex lock with no migrator behind it (a starter was killed) is released and the migration resumes', async () => {
    const { database } = await emptyDatabase('mysql');
    await migrateSafely(database.db, recorder().log);
    // What a starter killed mid-migration leaves: knex's lock set, its last migration unrecorded.
    const last = (await migrationSource.getMigrations([])).at(-1)!;
    await database.db('knex_migrations').where('name', last).del();
    await database.db('knex_migrations_lock').update({ is_locked: 1 });

    const { lines, log } = recorder();
    await migrateSafely(database.db, log);
    expect(lines).toContain('released a migration lock left by a starter that stopped mid-migration; resuming its migration');
    expect(await appliedMigrations(database.db)).toEqual(await migrationSource.getMigrations([]));
    expect(await database.db('knex_migrations_lock').pluck('is_locked')).toEqual([0]);
  });

  it('on mysql: refuses a database migrated by another branch, and serves one a newer build migrated', async () => {
    const { database } = await emptyDatabase('mysql');
    await migrateSafely(database.db, recorder().log);
    await database.db('knex_migrations').insert({ name: '20991231000000_future', batch: 9, migration_time: new Date() });
    const newer = recorder();
    await migrateSafely(database.db, newer.log);
    expect(newer.lines).toEqual(['the database schema is newer than this build (it has 20991231000000_future); serving with it']);

    await database.db('knex_migrations').where('name', '20261202110000_credentials').del();
    await expect(migrateSafely(database.db, recorder().log)).rejects.toThrow(/migrations this build does not know \(20991231000000_future\) and lacks some it has \(20261202110000_credentials\)/);
  });
});

describe('the migration lock on mysql', () => {
  let database: TestDatabase | undefined;
  afterEach(async () => database?.drop());
  const fast = { heartbeatMs: 100, staleMs: 2_000, pollMs: 100 };

  it('makes a second holder wait while the first one is alive, however long it takes', async () => {
    database = await createTestDatabase('mysql');
    const other = anotherInstance(database);
    const events: string[] = [];
    let release!: () => void;
    const holdUntilReleased = () =>
      new Promise<void>((resolve) => {
        release = resolve;
        events.push('first holds');
      });
    const first = withMigrationLock(database.db, recorder().log, holdUntilReleased, fast);
    await expect.poll(() => events, { timeout: 10_000 }).toEqual(['first holds']);
    const second = withMigrationLock(other, recorder().log, async () => void events.push('second holds'), fast);
    // Several stale periods pass: the heartbeat keeps the live holder's lock.
    await new Promise((r) => setTimeout(r, fast.staleMs * 3));
    events.push('first releases');
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(['first holds', 'first releases', 'second holds']);
    await other.destroy();
  });

  it('is taken over once the holder stops beating (a killed starter), exactly once', async () => {
    database = await createTestDatabase('mysql');
    // Create the lock row, then leave it held by a holder that is gone.
    await withMigrationLock(database.db, recorder().log, async () => undefined, fast);
    await database.db('gatehouse_migration_lock').update({ owner: 'dead-host/4242/abcdef', acquired_at: new Date() });

    const waiters = [recorder(), recorder()];
    const others = [anotherInstance(database), anotherInstance(database)];
    const holders: number[] = [];
    await Promise.all(others.map((db, i) => withMigrationLock(db, waiters[i]!.log, async () => void holders.push(i), fast)));
    expect(holders.sort()).toEqual([0, 1]);
    const takeovers = waiters.flatMap((w) => w.lines).filter((l) => l.startsWith('took over the migration lock of dead-host/4242/abcdef'));
    expect(takeovers).toHaveLength(1);
    expect(await database.db('gatehouse_migration_lock').select('owner')).toEqual([{ owner: null }]);
    for (const db of others) await db.destroy();
  });

  it('leaves the schema as a clean run does', async () => {
    database = await createTestDatabase('mysql');
    const clean = await createTestDatabase('mysql');
    await migrateSafely(clean.db, recorder().log);
    await migrateSafely(database.db, recorder().log);
    expect(await schemaOf(database.db)).toEqual(await schemaOf(clean.db));
    await clean.drop();
  });
});
