import type { Knex } from 'knex';
import { createTable } from './steps.js';

/**
 * Request-rate windows per client address, shared by every instance (a limit kept in process
 * memory would multiply by the number of instances behind the load balancer).
 */
export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'rate_limit_windows', (t) => {
    t.string('bucket', 191).notNullable().comment('what is limited and for whom, e.g. platform:203.0.113.7');
    t.datetime('window_start', { precision: 3 }).notNullable().comment('start of the fixed window');
    t.integer('hits').notNullable().defaultTo(0).comment('requests seen in the window (single-statement increments)');
    t.primary(['bucket', 'window_start']);
    t.index(['window_start'], 'rate_limit_windows_start');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('rate_limit_windows');
}
