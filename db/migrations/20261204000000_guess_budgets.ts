import type { Knex } from 'knex';
import { createTable } from './steps.js';

/**
 * Guess budgets: one row per thing whose secret can be guessed (an account, a client, an address),
 * holding how many guesses its current window has used. A guess is reserved by a conditional
 * increment before the secret is checked, so parallel guesses can never check more than the limit
 * (counting failures after the check let a burst of 100 through a limit of 5).
 */
export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('guess_budgets')) return;
  await createTable(knex, 'guess_budgets', (t) => {
    t.string('bucket', 191).primary().comment('whose guesses: account:<id>, name:<unknown identifier>, client:<id>, address:<ip>, …');
    t.datetime('window_started_at', { precision: 3 }).notNullable().comment('start of the fixed window the count belongs to');
    t.integer('used').notNullable().defaultTo(0).comment('guesses reserved in the window and not refunded by a success');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('guess_budgets');
}
