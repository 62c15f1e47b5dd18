/**
 * npm run migrate — applies pending migrations and exits: for operators who migrate before
 * rolling out (instances then start with GATEHOUSE_MIGRATE_ON_START=false and only wait for the
 * schema). Takes the same migration lock as starting instances, so it is safe to run while they
 * start. Exit codes: 0 done, 1 failed, 2 configuration error.
 *
 * npm run migrate -- status (or npm run migrate:status) — lists applied and pending migrations and
 * who holds the migration lock. Exit codes: 0 up to date, 1 migrations pending, 2 configuration
 * error, 3 the database could not be read.
 */
import { ConfigError } from '../core/config.js';
import { openDatabase } from '../db/connect.js';
import { migrationLockHolder } from '../db/startup/migration-lock.js';
import { migrateSafely, migrationStatus } from '../db/startup/migrate.js';
import { StartupError, waitForDatabase } from '../db/startup/wait.js';
import { loadConfig } from '../server/load-config.js';
import { createLogger } from '../server/log.js';

const command = process.argv[2] ?? 'latest';
if (!['latest', 'status'].includes(command)) {
  console.error(`unknown command ${JSON.stringify(command)}: use npm run migrate, or npm run migrate -- status`);
  process.exit(2);
}

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
const logger = createLogger(config.log.level);
const db = openDatabase({ ...config.database, log: logger });
let code = 0;
try {
  await waitForDatabase(db, { timeoutSeconds: config.database.startupTimeoutSeconds, log: logger });
  if (command === 'latest') {
    await migrateSafely(db, logger);
    const { applied } = await migrationStatus(db);
    console.log(`schema up to date: ${applied.length} migration(s) applied`);
  } else {
    const status = await migrationStatus(db);
    for (const name of status.applied) console.log(`applied  ${name}${status.unknown.includes(name) ? '  (not in this build: a newer build applied it)' : ''}`);
    for (const name of status.pending) console.log(`pending  ${name}`);
    const holder = await migrationLockHolder(db);
    if (holder) console.log(`migration lock held by ${holder.owner} since ${new Date(holder.since ?? 0).toISOString()}`);
    console.log(status.pending.length ? `${status.pending.length} pending: run npm run migrate` : 'up to date');
    code = status.pending.length ? 1 : 0;
  }
} catch (error) {
  const message = error instanceof StartupError ? error.message : ((error as Error)?.message ?? String(error)).split('\n')[0];
  console.error(`migrate ${command} failed: ${message}`);
  code = command === 'status' ? 3 : 1;
} finally {
  await db.destroy();
}
process.exit(code);
