import type { Knex } from 'knex';
import { up as createWindowTable } from './20261202010000_rate_limits.js';

/**
 * Request-rate windows become append-only hit rows (one per request, under a random id) counted
 * per window: one row per address and window was updated by every request from that address, and
 * parallel requests through different Galera nodes failed certification on it. Inserts of distinct
 * keys never conflict. Old windows are deleted by the limiter's prune. Each step checks what
 * already exists (MySQL DDL is not transactional; a crashed start runs this again).
 */
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('rate_limit_hits'))) {
    await knex.schema.createTable('rate_limit_hits', (t) => {
      t.string('bucket', 191).notNullable().comment('what is limited and for whom, e.g. platform:203.0.113.7');
      t.datetime('window_start', { precision: 3 }).notNullable().comment('start of the fixed window the request fell in');
      t.string('hit_id', 16).notNullable().comment('random id of the request (64 bits, hex): rows of parallel requests never collide');
      t.primary(['bucket', 'window_start', 'hit_id']);
      t.index(['window_start'], 'rate_limit_hits_start');
    });
  }
  // The current windows' counts are not carried over: at most one window of requests is forgiven.
  if (await knex.schema.hasTable('rate_limit_windows')) await knex.schema.dropTable('rate_limit_windows');
}

export async function down(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('rate_limit_windows'))) await createWindowTable(knex);
  if (await knex.schema.hasTable('rate_limit_hits')) await knex.schema.dropTable('rate_limit_hits');
}
