import type { Knex } from 'knex';
import { alterTable } from './steps.js';

/**
 * Outbox rows carry sign-in links, reset links and codes in clear text (that is what they are
 * for: an operator without SMTP reads them). They no longer outlive the secret they carry: each
 * row keeps until the secret's expiry, and rows past it are deleted.
 */
export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasColumn('mail_outbox', 'expires_at')) return;
  await alterTable(knex, 'mail_outbox', (t) => {
    t.datetime('expires_at', { precision: 3 }).nullable().comment('when the secret in the body stops working; the row is deleted after it');
    t.index(['expires_at'], 'mail_outbox_expires');
  });
  // Rows written before: their secrets expired long ago or will within a day.
  await knex('mail_outbox').whereNull('expires_at').update({ expires_at: knex.raw('created_at') });
}

export async function down(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasColumn('mail_outbox', 'expires_at'))) return;
  await knex.schema.alterTable('mail_outbox', (t) => {
    t.dropIndex(['expires_at'], 'mail_outbox_expires');
    t.dropColumn('expires_at');
  });
}
