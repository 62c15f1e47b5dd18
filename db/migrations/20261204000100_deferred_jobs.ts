import type { Knex } from 'knex';
import { createTable } from './steps.js';

/**
 * Work done after the answer: a request that may send mail records what to do (one insert, the
 * same for every address) and answers; a worker in each instance claims the row and does the
 * per-account work. Known and unknown addresses then cost the caller the same time. The payload
 * holds no secret (the secret is made when the job runs).
 */
export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('deferred_jobs')) return;
  await createTable(knex, 'deferred_jobs', (t) => {
    t.increments('id').primary();
    t.string('kind', 64).notNullable().comment('which registered handler runs it, e.g. simple-auth.onetime-link');
    t.text('payload').notNullable().comment('JSON: what the request asked for (an address), and its request metadata');
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.datetime('claimed_at', { precision: 3 }).nullable().comment('when a worker took it; a claim older than the lease is taken again');
    t.string('claim_id', 32).nullable().comment('the claiming worker run (random)');
    t.integer('attempts').notNullable().defaultTo(0);
    t.index(['claimed_at'], 'deferred_jobs_claimed');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('deferred_jobs');
}
