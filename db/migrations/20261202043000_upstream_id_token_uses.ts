import type { Knex } from 'knex';
import { createTable } from './steps.js';

/**
 * Upstream ID tokens already exchanged (the mgmt face's Okta login): an ID token is a bearer
 * credential, so one intercepted from a browser or a log must not buy a second session. The row
 * is the claim (insert on the primary key: of two concurrent presentations on any instance,
 * exactly one succeeds) and is kept until the token could no longer pass verification anyway.
 */
export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'upstream_id_token_uses', (t) => {
    t.string('token_key', 64).primary().comment('SHA-256 (hex) of issuer + jti, or of issuer + the signed part when the token has no jti; the token itself is never stored');
    t.datetime('used_at', { precision: 3 }).notNullable().comment('when the token was exchanged');
    t.datetime('expires_at', { precision: 3 }).notNullable().comment('the token\'s exp plus the allowed clock skew; the row may be deleted after this');
    t.index(['expires_at'], 'upstream_id_token_uses_expires');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('upstream_id_token_uses');
}
