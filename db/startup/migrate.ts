import type { Knex } from 'knex';
import { ensureTable } from 'knex/lib/migrations/migrate/table-creator.js';
import { dialectOf, migrationPool } from '../connect.js';
import { migrationSource } from '../migrations/index.js';
import { withMigrationLock } from './migration-lock.js';
import { backoffMs, sleep, StartupError, type StartupLog } from './wait.js';

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** applied to the database but not part of this build (a newer build migrated it) */
  unknown: string[];
}

/** Read-only: knex's own listing would create its bookkeeping tables, racing other starters. */
export async function migrationStatus(db: Knex): Promise<MigrationStatus> {
  const known = await migrationSource.getMigrations([]);
  const applied = (await db.schema.hasTable('knex_migrations')) ? ((await db('knex_migrations').select('name').orderBy('id')) as { name: string }[]).map((r) => r.name) : [];
  const done = new Set(applied);
  return { applied, pending: known.filter((name) => !done.has(name)), unknown: applied.filter((name) => !known.includes(name)) };
}

/**
 * Applies pending migrations, one migrator at a time however many instances start together. On
 * MySQL every other starter waits on the migration lock and then finds nothing left to do; a lock
 * of knex's left by a starter killed mid-migration is released under that lock (nobody else can be
 * migrating), and the migrations' steps resume where the dead one stopped (db/migrations/steps.ts).
 * SQLite runs the whole batch in one transaction: a killed migrator leaves nothing behind, and a
 * second process on the same file waits for the first one's write lock, then retries.
 */
export async function migrateSafely(db: Knex, log: StartupLog): Promise<void> {
  if (dialectOf(db) === 'mysql') {
    // Migrations run on a pool of their own without the requests' statement timeout (DDL is slow).
    const migrator = migrationPool(db);
    try {
      return await withMigrationLock(migrator, log, () => applyPending(migrator, log));
    } finally {
      await migrator.destroy();
    }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureSqliteBookkeeping(db, log);
      return await applyPending(db, log);
    } catch (error) {
      if (!sqliteContention(error) || attempt >= 30) throw error;
      log.info('another process is migrating this SQLite file; waiting for it');
      await sleep(backoffMs(attempt));
    }
  }
}

/** `GATEHOUSE_MIGRATE_ON_START=false`: serve only once `npm run migrate` has brought the schema up to date. */
export async function waitForSchema(db: Knex, log: StartupLog, pollMs = 2_000): Promise<void> {
  let lastLog = 0;
  for (;;) {
    const status = await migrationStatus(db);
    refuseDiverged(status);
    if (!status.pending.length) return;
    if (Date.now() - lastLog >= 10_000) {
      lastLog = Date.now();
      log.warn(`waiting for the schema: ${status.pending.length} migration(s) pending (${status.pending.join(', ')}); migrations on start are off, run npm run migrate`);
    }
    await sleep(pollMs);
  }
}

async function applyPending(db: Knex, log: StartupLog): Promise<void> {
  const status = await migrationStatus(db);
  refuseDiverged(status);
  if (status.unknown.length) {
    // Rolling upgrade: a newer instance migrated first. Migrations only add, so this build still works.
    log.warn(`the database schema is newer than this build (it has ${status.unknown.join(', ')}); serving with it`);
    return;
  }
  if (!status.pending.length) return;
  if (dialectOf(db) === 'mysql') await releaseAbandonedKnexLock(db, log);
  log.info(`migrating: ${status.pending.length} pending (${status.pending.join(', ')})`);
  // knex looks again inside its own lock: on SQLite another process may have applied them meanwhile.
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  log.info(applied.length ? `applied ${applied.length} migration(s)` : 'another instance applied them meanwhile');
}

function refuseDiverged(status: MigrationStatus): void {
  if (status.unknown.length && status.pending.length) {
    throw new StartupError(`the database has migrations this build does not know (${status.unknown.join(', ')}) and lacks some it has (${status.pending.join(', ')}): it was migrated by another branch`);
  }
}

/** Only called while holding the migration lock: a set knex lock then belongs to a dead migrator. */
async function releaseAbandonedKnexLock(db: Knex, log: StartupLog): Promise<void> {
  if (!(await db.schema.hasTable('knex_migrations_lock'))) return;
  const locked = await db('knex_migrations_lock').where('is_locked', 1).first();
  if (!locked) return;
  log.warn('released a migration lock left by a starter that stopped mid-migration; resuming its migration');
  await db.migrate.forceFreeMigrationsLock({ migrationSource });
}

/**
 * knex creates its bookkeeping tables and its lock row in separate statements outside any
 * transaction (its `ensureTable`). Two processes starting on one new file can both find the lock
 * table empty and both insert a row; knex's lock (`update … where is_locked = 0` must touch
 * exactly one row) then fails for every starter, forever. Here knex's own `ensureTable` runs inside
 * one transaction first: a second process's read is then either before it (it retries on
 * SQLITE_BUSY) or after it, and knex later finds everything in place. A file the race already broke
 * is mended: on SQLite knex sets its lock only inside the batch's own transaction, so no committed
 * lock row belongs to a live migrator.
 */
async function ensureSqliteBookkeeping(db: Knex, log: StartupLog): Promise<void> {
  await db.transaction(async (trx) => {
    await ensureTable('knex_migrations', undefined, trx);
    const rows = (await trx('knex_migrations_lock').pluck('index').orderBy('index')) as number[];
    if (rows.length > 1) {
      log.warn(`mended knex's migration lock table: it had ${rows.length} rows (two starters created it at once), keeping one`);
      await trx('knex_migrations_lock').where('index', '>', rows[0]!).del();
      await trx('knex_migrations_lock').update({ is_locked: 0 });
    }
  });
}

function sqliteContention(error: unknown): boolean {
  const e = error as { name?: string; code?: string; message?: string };
  return e.name === 'MigrationLocked' || e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED' || /table `?knex_migrations(_lock)?`? already exists/.test(e.message ?? '');
}
