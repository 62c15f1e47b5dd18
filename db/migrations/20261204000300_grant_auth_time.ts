import type { Knex } from 'knex';
import { alterTable } from './steps.js';

/**
 * When the resource owner last authenticated, per grant: the ID tokens of the grant (first and
 * refreshed) carry it as `auth_time` (OIDC Core §2), which relying parties that send `max_age`
 * require.
 */
export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasColumn('oauth2_grants', 'auth_time')) return;
  await alterTable(knex, 'oauth2_grants', (t) => {
    t.datetime('auth_time', { precision: 3 }).nullable().comment('when the account authenticated for this grant (OIDC auth_time); null: unknown');
  });
}

export async function down(knex: Knex): Promise<void> {
  if (await knex.schema.hasColumn('oauth2_grants', 'auth_time')) await knex.schema.alterTable('oauth2_grants', (t) => t.dropColumn('auth_time'));
}
