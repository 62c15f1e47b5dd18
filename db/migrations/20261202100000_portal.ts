import type { Knex } from 'knex';
import { alterTable, createTable } from './steps.js';

/**
 * The portal face's state: organizations and memberships (a role per membership), pending
 * sign-ins that wait for a second factor or a push approval, and the portal's single-use codes
 * (CLI-to-browser exchange codes, password-reset tokens). Codes are stored only as SHA-256 and
 * consumed by conditional UPDATEs, so every instance on the database agrees on single use.
 */
export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'organizations', (t) => {
    t.increments('id').comment('surrogate key');
    t.string('uuid', 36).notNullable().unique().comment('public id (portal_id, the token `org` claim)');
    t.string('name', 191).notNullable().comment('display name');
    t.datetime('created_at', { precision: 3 }).notNullable().comment('creation time');
  });

  await createTable(knex, 'organization_memberships', (t) => {
    t.increments('id').comment('surrogate key; with created_at it orders memberships (the earliest is the default organization)');
    t.integer('organization_id').unsigned().notNullable().references('organizations.id').onDelete('CASCADE').comment('the organization');
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE').comment('the member');
    t.string('role', 32).notNullable().comment('membership role, e.g. admin or member (admin may impersonate fellow members)');
    t.datetime('created_at', { precision: 3 }).notNullable().comment('when the account joined');
    t.unique(['organization_id', 'account_id'], { indexName: 'organization_memberships_org_account' });
    t.index(['account_id'], 'organization_memberships_account');
  });

  await alterTable(knex, 'accounts', (t) => {
    t.boolean('mfa_required').notNullable().defaultTo(false).comment('a portal password sign-in needs a second factor even without TOTP (emailed code or push approval)');
  });

  await createTable(knex, 'portal_login_sessions', (t) => {
    t.increments('id').comment('surrogate key');
    t.string('session_hash', 64).notNullable().unique().comment('SHA-256 (hex) of login_session_id; the id itself is never stored');
    t.integer('account_id').unsigned().nullable().references('accounts.id').onDelete('CASCADE').comment('the account signing in; null for the decoy of an unknown email (no enumeration)');
    t.string('email', 320).notNullable().comment('the lower-cased email the sign-in was started for (the poller must present it)');
    t.integer('organization_id').unsigned().nullable().references('organizations.id').onDelete('SET NULL').comment('the portal the tokens will be scoped to; null: the default organization');
    t.string('kind', 16).notNullable().comment('password-2fa or magic-code: how the sign-in started');
    t.string('client_id', 255).nullable().comment('the application named by requestMagicCode (recorded only)');
    t.string('code_hash', 64).nullable().comment('SHA-256 (hex) of the emailed 6-digit code; null when none was sent or it was burnt');
    t.integer('attempts').notNullable().defaultTo(0).comment('wrong codes entered; the code is burnt at 5 (brute force of a 6-digit code)');
    t.string('status', 16).notNullable().comment('pending, approved, rejected or completed');
    t.datetime('created_at', { precision: 3 }).notNullable().comment('start of the sign-in');
    t.datetime('expires_at', { precision: 3 }).notNullable().comment('nothing is accepted after this (10 minutes; set to now when superseded or revoked)');
    t.datetime('decided_at', { precision: 3 }).nullable().comment('when it was approved, rejected or completed');
    t.datetime('handed_out_at', { precision: 3 }).nullable().comment('set once by the conditional UPDATE that hands the tokens to the poller (or by completion with a code)');
    t.datetime('last_polled_at', { precision: 3 }).nullable().comment('last loginStatus poll; polls closer than 2 s are refused');
    t.string('ip', 64).nullable().comment('client address that started the sign-in (shown on the approval page)');
    t.string('user_agent', 512).nullable().comment('User-Agent that started the sign-in (shown on the approval page)');
    t.index(['account_id', 'status'], 'portal_login_sessions_account_status');
  });

  await createTable(knex, 'portal_codes', (t) => {
    t.increments('id').comment('surrogate key');
    t.string('purpose', 16).notNullable().comment('cli-exchange or password-reset');
    t.string('code_hash', 64).notNullable().unique().comment('SHA-256 (hex) of the code; the code is shown once and never stored');
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE').comment('whose sign-in or password the code is for');
    t.integer('organization_id').unsigned().nullable().references('organizations.id').onDelete('SET NULL').comment('the organization the code is bound to (token scope, reset portal)');
    t.integer('actor_account_id').unsigned().nullable().references('accounts.id').onDelete('CASCADE').comment('cli-exchange minted while impersonating: the impersonator, kept in the `act` claim');
    t.datetime('created_at', { precision: 3 }).notNullable().comment('issue time');
    t.datetime('expires_at', { precision: 3 }).notNullable().comment('refused after this (120 s exchange, 1 h reset; set to now when superseded)');
    t.datetime('used_at', { precision: 3 }).nullable().comment('set once by the conditional UPDATE that consumes the code');
    t.index(['account_id', 'purpose'], 'portal_codes_account_purpose');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['portal_codes', 'portal_login_sessions', 'organization_memberships', 'organizations']) await knex.schema.dropTableIfExists(table);
  await knex.schema.alterTable('accounts', (t) => t.dropColumn('mfa_required'));
}
