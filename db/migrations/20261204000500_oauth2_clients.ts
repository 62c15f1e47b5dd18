import type { Knex } from 'knex';
import { createTable } from './steps.js';

/**
 * OAuth2 clients an operator registers through the admin face, beside those in configuration.
 * Read at every use, so a change or a deletion holds on every instance at once. The secret is
 * shown once and kept only as `sha256:<hex>`, as configured secrets are.
 */
export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'oauth2_clients', (t) => {
    t.string('client_id', 191).primary().comment('the client_id (configured ids are refused)');
    t.string('name', 191).notNullable().comment('shown on the consent page');
    t.text('redirect_uris').notNullable().comment('JSON list of absolute URIs, matched exactly');
    t.text('scopes').notNullable().comment('JSON list of scopes it may ask for');
    t.string('secret_hash', 80).nullable().comment('sha256:<hex> of the secret; null for a public client');
    t.boolean('public').notNullable().comment('no secret; PKCE required');
    t.boolean('oidc').notNullable().comment('issues ID tokens when openid is granted');
    t.string('id_token_alg', 16).notNullable().comment('RS256 or EdDSA');
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.datetime('updated_at', { precision: 3 }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('oauth2_clients');
}
