import type { Knex } from 'knex';
import { createTable } from './steps.js';

/**
 * The OAuth2 authorization server: signing keys shared by every instance, grants (one per
 * authorization: a consent code redemption or a password grant) and every code and token issued
 * under them. Tokens are stored only as SHA-256 hashes (access tokens by the hash of their `jti`),
 * so a database leak yields no usable token; revocation is a column, seen by every instance.
 */
export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'signing_keys', (t) => {
    t.increments('id').comment('surrogate key; the newest unretired key signs');
    t.string('kid', 64).notNullable().unique().comment('JWS `kid` header value, published in the JWKS');
    t.string('alg', 16).notNullable().comment('JWS algorithm: EdDSA');
    t.text('public_jwk').notNullable().comment('public JWK (JSON), served at /.well-known/jwks.json');
    t.text('private_jwk').notNullable().comment('private JWK sealed with the master key (AES-256-GCM, context signing-key:<kid>)');
    t.datetime('created_at', { precision: 3 }).notNullable().comment('when the key was generated');
    t.datetime('retired_at', { precision: 3 }).nullable().comment('when a newer key took over signing; still verifies until its tokens expire');
  });

  await createTable(knex, 'oauth2_grants', (t) => {
    t.increments('id').comment('one authorization; revoking it revokes every token issued under it (the family)');
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE').comment('the resource owner');
    t.string('client_id', 191).notNullable().comment('configured client the account authorized');
    t.string('scope', 1000).notNullable().comment('granted scopes, space-separated, lower-case');
    t.string('origin', 32).notNullable().comment('authorization_code or password');
    t.datetime('created_at', { precision: 3 }).notNullable().comment('consent or login time');
    t.datetime('revoked_at', { precision: 3 }).nullable().comment('set on revocation, code replay or refresh-token reuse');
    t.index(['account_id', 'client_id'], 'oauth2_grants_account_client');
  });

  await createTable(knex, 'oauth2_tokens', (t) => {
    t.increments('id').comment('surrogate key');
    t.integer('grant_id').unsigned().notNullable().references('oauth2_grants.id').onDelete('CASCADE').comment('the grant (family) it belongs to');
    t.string('type', 16).notNullable().comment('code, access_token or refresh_token');
    t.string('token_hash', 64).notNullable().comment('SHA-256 (hex) of the code / refresh token / access token jti');
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE').comment('the resource owner');
    t.string('client_id', 191).notNullable().comment('the client it was issued to');
    t.string('scope', 1000).notNullable().comment('scopes, space-separated');
    t.datetime('created_at', { precision: 3 }).notNullable().comment('issue time (introspection iat)');
    t.datetime('expires_at', { precision: 3 }).notNullable().comment('unusable after this');
    t.datetime('used_at', { precision: 3 }).nullable().comment('codes and refresh tokens: set once by the conditional UPDATE that redeems them');
    t.datetime('revoked_at', { precision: 3 }).nullable().comment('revocation time');
    t.string('redirect_uri', 2000).nullable().comment('codes: the redirect URI the code is bound to');
    t.string('code_challenge', 128).nullable().comment('codes: PKCE S256 challenge (RFC 7636); null without PKCE');
    t.string('nonce', 255).nullable().comment('codes: OpenID Connect nonce for the ID token');
    t.string('jti', 64).nullable().comment('access tokens: the JWT id (an identifier, not a credential: a JWT cannot be made from it without the signing key); lets reuseToken answer the same token again');
    t.unique(['type', 'token_hash'], { indexName: 'oauth2_tokens_type_hash' });
    t.index(['account_id', 'client_id'], 'oauth2_tokens_account_client');
    t.index(['grant_id'], 'oauth2_tokens_grant');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['oauth2_tokens', 'oauth2_grants', 'signing_keys']) await knex.schema.dropTableIfExists(table);
}
