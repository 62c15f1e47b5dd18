import type { Knex } from 'knex';
import { createTable, insertMissing } from './steps.js';

/**
 * The platform face's state: first-admin setup and its bootstrap token, the upstream OpenID
 * provider the web UI signs in with, browser login flows in flight, links from upstream subjects
 * to accounts, shared counters, and API credentials (X-API-Key). Every row is shared by all
 * instances; nothing here lives in process memory.
 */
export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'setup_state', (t) => {
    t.integer('id').primary().comment('always 1: one row per installation');
    t.datetime('completed_at', { precision: 3 }).nullable().comment('when the first administrator was created; null on a fresh install');
    t.integer('completed_by').unsigned().nullable().references('accounts.id').onDelete('SET NULL').comment('the account that completed setup');
    t.string('bootstrap_token_hash', 64).nullable().comment('SHA-256 (hex) of the one live bootstrap token; cleared when it is used or replaced');
    t.datetime('bootstrap_expires_at', { precision: 3 }).nullable().comment('the bootstrap token is refused after this');
  });
  await insertMissing(knex, 'setup_state', { id: 1 }, {});

  await createTable(knex, 'oidc_provider', (t) => {
    t.integer('id').primary().comment('always 1: the one upstream provider of the web UI');
    t.boolean('enabled').notNullable().comment('false: the browser login through it answers 404');
    t.string('issuer_url', 2048).nullable().comment('issuer identifier; discovery at <issuer>/.well-known/openid-configuration');
    t.string('jwks_url', 2048).nullable().comment('overrides the discovered jwks_uri');
    t.string('audience', 512).nullable().comment('aud an ID token must carry; default client_id');
    t.string('client_id', 512).nullable().comment('Gatehouse\'s client id at the issuer');
    t.text('client_secret_sealed').nullable().comment('client secret sealed with the master key (AES-256-GCM, context oidc-provider:client-secret)');
    t.string('scopes', 1024).nullable().comment('space-separated scopes requested');
    t.datetime('updated_at', { precision: 3 }).notNullable().comment('last upsert');
  });

  await createTable(knex, 'oidc_login_flows', (t) => {
    t.increments('id').comment('surrogate key');
    t.string('state_hash', 64).notNullable().unique().comment('SHA-256 (hex) of the state sent to the issuer');
    t.string('browser_hash', 64).notNullable().comment('SHA-256 (hex) of the flow cookie that binds the flow to one browser (login CSRF)');
    t.string('nonce', 128).notNullable().comment('OpenID Connect nonce the ID token must echo (not a credential)');
    t.text('code_verifier_sealed').notNullable().comment('PKCE code_verifier sealed with the master key');
    t.string('continue_url', 2048).notNullable().comment('where the browser goes after sign-in (already checked against the allow-list)');
    t.datetime('created_at', { precision: 3 }).notNullable().comment('start time');
    t.datetime('expires_at', { precision: 3 }).notNullable().comment('the callback is refused after this');
    t.datetime('used_at', { precision: 3 }).nullable().comment('set once by the conditional UPDATE that consumes the flow');
  });

  await createTable(knex, 'account_links', (t) => {
    t.increments('id').comment('surrogate key');
    t.string('issuer', 191).notNullable().comment('upstream issuer identifier');
    t.string('subject', 191).notNullable().comment('upstream `sub`');
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE').comment('the Gatehouse account');
    t.datetime('created_at', { precision: 3 }).notNullable().comment('first sign-in through the issuer');
    t.unique(['issuer', 'subject'], { indexName: 'account_links_issuer_subject' });
  });

  await createTable(knex, 'counters', (t) => {
    t.string('name', 64).primary().comment('counter name, e.g. web_sessions.created_total');
    t.bigInteger('value').notNullable().defaultTo(0).comment('incremented by single-statement UPDATEs, so every instance shares it');
  });

  await createTable(knex, 'api_credentials', (t) => {
    t.increments('id').comment('surrogate key');
    t.string('uuid', 36).notNullable().unique().comment('public id');
    t.string('name', 191).notNullable().comment('name given at creation');
    t.string('type', 32).notNullable().comment('API_TOKEN, SERVICE_API_TOKEN, ...');
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE').comment('whose authority the credential carries');
    t.string('token_hash', 64).notNullable().unique().comment('SHA-256 (hex) of the secret; the secret is shown once and never stored');
    t.datetime('created_at', { precision: 3 }).notNullable().comment('issue time');
    t.datetime('expires_at', { precision: 3 }).notNullable().comment('refused after this');
    t.datetime('revoked_at', { precision: 3 }).nullable().comment('revocation time');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['api_credentials', 'counters', 'account_links', 'oidc_login_flows', 'oidc_provider', 'setup_state']) await knex.schema.dropTableIfExists(table);
}
