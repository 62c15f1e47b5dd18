import type { Knex } from 'knex';
import { createTable } from './steps.js';

/**
 * The identity store every face shares. Portable to MySQL-compatible distributed engines: no
 * triggers, no procedures, claims are single-statement conditional UPDATEs.
 * Datetimes are UTC; SQLite stores them as epoch milliseconds.
 */
export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'accounts', (t) => {
    t.increments('id').comment('surrogate key; the mgmt face shows it as userId');
    t.string('uuid', 36).notNullable().unique().comment('public id on every face (UUID v4)');
    t.string('username', 191).notNullable().unique().comment('lower-cased login name');
    t.string('email', 191).nullable().unique().comment('lower-cased email, optional');
    t.string('display_name', 191).notNullable().comment('name shown to people');
    t.boolean('active').notNullable().defaultTo(true).comment('false: every login and session is refused');
    t.boolean('is_admin').notNullable().defaultTo(false).comment('administrator of the whole service');
    t.string('password_hash', 100).nullable().comment('bcrypt hash; null when the account has no local login');
    t.datetime('password_changed_at', { precision: 3 }).nullable().comment('null: never changed since creation');
    t.text('totp_secret').nullable().comment('TOTP seed sealed with the master key (AES-256-GCM); null: no 2FA');
    t.bigInteger('totp_last_step').nullable().comment('last accepted TOTP time step; codes at or before it are replays');
    t.datetime('created_at', { precision: 3 }).notNullable().comment('creation time');
    t.datetime('updated_at', { precision: 3 }).notNullable().comment('last change');
  });

  await createTable(knex, 'account_roles', (t) => {
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE').comment('the account');
    t.string('role', 64).notNullable().comment('role name: admin, viewer, ...');
    t.primary(['account_id', 'role']);
  });

  await createTable(knex, 'sessions', (t) => {
    t.increments('id').comment('surrogate key');
    t.string('token_hash', 64).notNullable().unique().comment('SHA-256 (hex) of the cookie value; the token itself is never stored');
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE').comment('who is signed in');
    t.string('kind', 32).notNullable().comment('which face issued it: simple-auth, platform-ui, portal');
    t.string('source', 32).notNullable().comment('how it was created: login, onetime, oidc, account-create');
    t.datetime('created_at', { precision: 3 }).notNullable().comment('login time');
    t.datetime('last_seen_at', { precision: 3 }).notNullable().comment('last time the session was used (coarse)');
    t.datetime('idle_expires_at', { precision: 3 }).notNullable().comment('ends here unless used again');
    t.datetime('absolute_expires_at', { precision: 3 }).notNullable().comment('ends here whatever happens');
    t.datetime('revoked_at', { precision: 3 }).nullable().comment('logout or revocation time');
    t.string('ip', 64).nullable().comment('client address at login');
    t.string('user_agent', 255).nullable().comment('browser at login');
    t.index(['account_id', 'kind'], 'sessions_account_kind');
  });

  await createTable(knex, 'one_time_tokens', (t) => {
    t.increments('id').comment('surrogate key');
    t.string('purpose', 32).notNullable().comment('onetime-login, ...');
    t.string('token_hash', 64).notNullable().comment('SHA-256 (hex) of the token');
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE').comment('whom it signs in');
    t.datetime('expires_at', { precision: 3 }).notNullable().comment('unusable after this');
    t.datetime('used_at', { precision: 3 }).nullable().comment('set once by the single conditional UPDATE that consumes it');
    t.datetime('created_at', { precision: 3 }).notNullable().comment('issue time');
    t.unique(['purpose', 'token_hash'], { indexName: 'one_time_tokens_purpose_hash' });
  });

  await createTable(knex, 'account_stipulations', (t) => {
    t.increments('id').comment('surrogate key');
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE').comment('the account that must satisfy it');
    t.string('kind', 32).notNullable().comment('email-verification');
    t.string('token_hash', 64).notNullable().comment('SHA-256 (hex) of the token that satisfies it');
    t.datetime('created_at', { precision: 3 }).notNullable().comment('when it was imposed');
    t.datetime('satisfied_at', { precision: 3 }).nullable().comment('null while it still blocks login');
    t.index(['account_id'], 'account_stipulations_account');
  });

  await createTable(knex, 'audit_records', (t) => {
    t.increments('id').comment('append-only; never updated');
    t.integer('account_id').unsigned().nullable().references('accounts.id').onDelete('SET NULL').comment('the account concerned, if known');
    t.datetime('at', { precision: 3 }).notNullable().comment('event time');
    t.string('level', 16).notNullable().comment('debug, info, warn, alert');
    t.string('module', 64).notNullable().comment('area: account, auth:simple, auth:onetime, ...');
    t.string('message', 1000).notNullable().comment('what happened (no secrets)');
    t.string('request_id', 64).nullable().comment('X-Request-Id of the request that caused it');
    t.string('ip', 64).nullable().comment('client address');
    t.index(['account_id', 'at'], 'audit_records_account_at');
  });

  await createTable(knex, 'login_attempts', (t) => {
    t.increments('id').comment('surrogate key');
    t.string('scope', 8).notNullable().comment('user or ip');
    t.string('attempt_key', 191).notNullable().comment('the lower-cased username, or the client address');
    t.boolean('success').notNullable().comment('true: the login succeeded');
    t.string('reason', 32).notNullable().comment('bad_password, unknown_user, totp_failed, throttled, ok');
    t.datetime('at', { precision: 3 }).notNullable().comment('attempt time');
    t.index(['scope', 'attempt_key', 'at'], 'login_attempts_key_at');
  });

  await createTable(knex, 'mail_outbox', (t) => {
    t.increments('id').comment('surrogate key');
    t.string('recipient', 320).notNullable().comment('To address');
    t.string('subject', 255).notNullable().comment('Subject line');
    t.text('body').notNullable().comment('plain-text body');
    t.datetime('created_at', { precision: 3 }).notNullable().comment('when it was queued');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['mail_outbox', 'login_attempts', 'audit_records', 'account_stipulations', 'one_time_tokens', 'sessions', 'account_roles', 'accounts']) {
    await knex.schema.dropTableIfExists(table);
  }
}
