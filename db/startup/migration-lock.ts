import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import knexFactory, { type Knex } from 'knex';
import { sleep, StartupError, type StartupLog } from './wait.js';

const TABLE = 'gatehouse_migration_lock';

export interface LockTiming {
  /** how often the holder proves it is alive */
  heartbeatMs: number;
  /** a holder whose heartbeat has not moved for this long (by the waiter's own clock) is gone */
  staleMs: number;
  pollMs: number;
}

export const LOCK_TIMING: LockTiming = { heartbeatMs: 2_000, staleMs: 15_000, pollMs: 500 };

interface LockRow {
  owner: string | null;
  heartbeat: string | number;
  acquired_at: Date | string | null;
}

/**
 * One migrator at a time for every instance on the database, through a row of its own: the holder
 * writes its name (host/pid) and moves a heartbeat counter; waiters poll. A starter killed while
 * migrating stops beating, and the first waiter that sees the counter stand still for `staleMs`
 * takes the row over with a compare-and-set UPDATE, so exactly one does. Staleness is judged by the
 * waiter's own clock, so clock skew between hosts does not matter.
 *
 * Not GET_LOCK(): named locks belong to one server, and Galera refuses or ignores them (MDEV-30473),
 * while a row is replicated like any other write (a concurrent take-over loses certification).
 * The lock is held on a connection pool of its own, so the heartbeat never waits behind the
 * migration's own connection (GATEHOUSE_DB_POOL_MAX may be 1).
 */
export async function withMigrationLock<T>(db: Knex, log: StartupLog, work: () => Promise<T>, timing: LockTiming = LOCK_TIMING): Promise<T> {
  const lockDb = knexFactory({ ...db.client.config, pool: { min: 0, max: 1 } });
  const owner = `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
  try {
    await ensureLockRow(lockDb);
    await acquire(lockDb, owner, log, timing);
    let lost = false;
    const beat = setInterval(() => {
      lockDb(TABLE)
        .where({ id: 1, owner })
        .increment('heartbeat', 1)
        .then((n) => void (n === 0 && !lost && ((lost = true), log.warn(`lost the migration lock ${owner}: another instance took it over`))))
        .catch(() => undefined);
    }, timing.heartbeatMs);
    try {
      const result = await work();
      if (lost) throw new StartupError('lost the migration lock while migrating (no heartbeat reached the database for too long); check with npm run migrate -- status');
      return result;
    } finally {
      clearInterval(beat);
      await lockDb(TABLE).where({ id: 1, owner }).update({ owner: null, acquired_at: null }).catch(() => undefined);
    }
  } finally {
    await lockDb.destroy();
  }
}

/** Who holds the migration lock right now, for `npm run migrate -- status`. */
export async function migrationLockHolder(db: Knex): Promise<{ owner: string; since: Date | string | null } | undefined> {
  if (!(await db.schema.hasTable(TABLE))) return undefined;
  const row = (await db(TABLE).where({ id: 1 }).first()) as LockRow | undefined;
  return row?.owner ? { owner: row.owner, since: row.acquired_at } : undefined;
}

async function ensureLockRow(lockDb: Knex): Promise<void> {
  if (!(await lockDb.schema.hasTable(TABLE))) {
    try {
      await lockDb.schema.createTable(TABLE, (t) => {
        t.integer('id').primary().comment('always 1: one migration lock per database');
        t.string('owner', 191).nullable().comment('host/pid/nonce of the instance migrating now; null: free');
        t.bigInteger('heartbeat').notNullable().defaultTo(0).comment('moved by the holder every few seconds; standing still means the holder is gone');
        t.datetime('acquired_at', { precision: 3 }).nullable().comment('when the holder took the lock');
      });
    } catch (error) {
      // Several starters on an empty database: one creates the table, the others find it there.
      if (!(await lockDb.schema.hasTable(TABLE))) throw error;
    }
  }
  // Starters on several Galera nodes seed the same row at once: the losers of certification get a
  // deadlock error (1213) although the row is there once the winner commits. Seed again, briefly.
  for (let attempt = 1; ; attempt++) {
    try {
      await lockDb(TABLE).insert({ id: 1, owner: null, heartbeat: 0, acquired_at: null }).onConflict('id').ignore();
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'ER_LOCK_DEADLOCK' || attempt >= SEED_ATTEMPTS) throw error;
      await sleep(20 * attempt + Math.floor(Math.random() * 20));
    }
  }
}

const SEED_ATTEMPTS = 10;

/** A conditional UPDATE; on Galera a concurrent winner surfaces as a deadlock error: not ours then. */
async function claim(lockDb: Knex, owner: string, where: Record<string, unknown>): Promise<boolean> {
  try {
    const changed = await lockDb(TABLE)
      .where({ id: 1, ...where })
      .update({ owner, acquired_at: new Date(), heartbeat: lockDb.raw('heartbeat + 1') });
    return changed === 1;
  } catch (error) {
    if ((error as { code?: string }).code === 'ER_LOCK_DEADLOCK') return false;
    throw error;
  }
}

async function acquire(lockDb: Knex, owner: string, log: StartupLog, timing: LockTiming): Promise<void> {
  let seen: { owner: string; heartbeat: string; since: number } | undefined;
  let lastLog = 0;
  for (;;) {
    if (await claim(lockDb, owner, { owner: null })) return;
    const row = (await lockDb(TABLE).where({ id: 1 }).first()) as LockRow;
    if (row.owner) {
      const heartbeat = String(row.heartbeat);
      if (!seen || seen.owner !== row.owner || seen.heartbeat !== heartbeat) {
        seen = { owner: row.owner, heartbeat, since: Date.now() };
      } else if (Date.now() - seen.since >= timing.staleMs && (await claim(lockDb, owner, { owner: seen.owner, heartbeat: row.heartbeat }))) {
        log.warn(`took over the migration lock of ${seen.owner}: no heartbeat for ${Math.round(timing.staleMs / 1000)} s (it stopped while migrating)`);
        return;
      }
      if (Date.now() - lastLog >= 10_000) {
        lastLog = Date.now();
        log.info(`waiting for ${row.owner} to finish migrating`);
      }
    }
    await sleep(timing.pollMs);
  }
}
