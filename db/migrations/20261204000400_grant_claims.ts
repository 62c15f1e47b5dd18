import type { Knex } from 'knex';
import { alterTable } from './steps.js';

/**
 * The extra access-token claims of a first-party sign-in (the portal's `org` and `act`), kept with
 * its grant, so a refreshed access token says the same as the first one (and a refresh cannot
 * move an impersonation or an organization switch anywhere else).
 */
export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasColumn('oauth2_grants', 'claims')) return;
  await alterTable(knex, 'oauth2_grants', (t) => {
    t.text('claims').nullable().comment('JSON: extra access-token claims of a first-party sign-in (org, act)');
  });
}

export async function down(knex: Knex): Promise<void> {
  if (await knex.schema.hasColumn('oauth2_grants', 'claims')) await knex.schema.alterTable('oauth2_grants', (t) => t.dropColumn('claims'));
}
