import type { Knex } from 'knex';
import { migrateSafely, waitForSchema } from './migrate.js';
import { waitForDatabase, type StartupLog } from './wait.js';

export { StartupError, type StartupLog } from './wait.js';

export interface PrepareOptions {
  /** GATEHOUSE_DB_STARTUP_TIMEOUT_SECONDS; 0: wait forever */
  timeoutSeconds: number;
  /** GATEHOUSE_MIGRATE_ON_START */
  migrate: boolean;
  log: StartupLog;
}

/**
 * Everything between "configuration is valid" and "ready to serve" that concerns the store: wait
 * until it answers, then migrate it (one instance at a time) or wait until someone has.
 */
export async function prepareDatabase(db: Knex, options: PrepareOptions): Promise<void> {
  await waitForDatabase(db, options);
  if (options.migrate) await migrateSafely(db, options.log);
  else await waitForSchema(db, options.log);
}
