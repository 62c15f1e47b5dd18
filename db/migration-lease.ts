import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { isRetryableConflict } from './errors.js';

const LEASE_TABLE = 'gatehouse_migration_lease';
const LEASE_SECONDS = 30;
const POLL_MS = 250;
const WAIT_LIMIT_MS = 10 * 60_000;

/**
 * Runs `migrate` (MySQL/MariaDB) while holding the database's one migration lease, so instances
 * that start together migrate one after the other. knex's own lock is an UPDATE of a row in
 * `knex_migrations_lock`: a row lock on one server. On Galera, starters on two nodes both take it;
 * the loser's commit fails certification at its first DDL, and knex, seeing a failed migration,
 * clears the lock under the winner, letting a third starter run the same migrations at once.
 * The lease is one row with a fixed primary key claimed by an INSERT: of concurrent inserts,
 * exactly one commits, whichever node each went through. The holder renews it while it migrates;
 * if the holder dies, the lease expires and the next starter takes it over.
 */
export async function withMigrationLease<T>(db: Knex, migrate: () => Promise<T>): Promise<T> {
  await db.raw(
    `CREATE TABLE IF NOT EXISTS ${LEASE_TABLE} (
       id INT NOT NULL PRIMARY KEY COMMENT 'always 1: one lease per database',
       holder VARCHAR(36) NOT NULL COMMENT 'random id of the starting instance that migrates',
       expires_at DATETIME(3) NOT NULL COMMENT 'server time after which another starter may take the lease over'
     ) COMMENT 'who is running the migrations right now (Galera-safe; see db/migration-lease.ts)'`,
  );
  const holder = randomUUID();
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (!(await tryAcquire(db, holder))) {
    if (Date.now() > deadline) throw new Error(`another instance has held the migration lease for ${WAIT_LIMIT_MS / 60_000} minutes`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const renew = setInterval(() => {
    db(LEASE_TABLE).where({ id: 1, holder }).update({ expires_at: leaseEnd(db) }).catch(() => undefined);
  }, (LEASE_SECONDS * 1000) / 3);
  try {
    // Holding the lease, nobody else migrates: a set knex lock was left by a start that died
    // mid-migration. Released, the (idempotent) migrations simply run again.
    if (await db.schema.hasTable('knex_migrations_lock')) await db('knex_migrations_lock').update({ is_locked: 0 });
    return await migrate();
  } finally {
    clearInterval(renew);
    await db(LEASE_TABLE).where({ id: 1, holder }).delete().catch(() => undefined);
  }
}

function leaseEnd(db: Knex): Knex.Raw {
  return db.raw(`NOW(3) + INTERVAL ${LEASE_SECONDS} SECOND`);
}

async function tryAcquire(db: Knex, holder: string): Promise<boolean> {
  try {
    await db(LEASE_TABLE).where('id', 1).andWhere('expires_at', '<', db.raw('NOW(3)')).delete();
    await db(LEASE_TABLE).insert({ id: 1, holder, expires_at: leaseEnd(db) });
    return true;
  } catch (error) {
    // Taken (duplicate key), or taken at the same moment through another node (certification).
    if ((error as { code?: string }).code === 'ER_DUP_ENTRY' || isRetryableConflict(error)) return false;
    throw error;
  }
}
