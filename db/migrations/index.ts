import type { Knex } from 'knex';
import * as identity from './20261123050000_identity.js';
import * as oauth2 from './20261123060000_oauth2.js';
import * as credentials from './20261202110000_credentials.js';
import * as counterShards from './20261203120000_counter_shards.js';
import * as rateLimitHits from './20261203120100_rate_limit_hits.js';
import * as platform from './20261202000000_platform.js';
import * as portal from './20261202100000_portal.js';
import * as rateLimits from './20261202010000_rate_limits.js';
import * as upstreamIdTokenUses from './20261202043000_upstream_id_token_uses.js';
import * as directoryAttributes from './20261203130000_directory_attributes.js';
import * as guessBudgets from './20261204000000_guess_budgets.js';
import * as deferredJobs from './20261204000100_deferred_jobs.js';
import * as outboxExpiry from './20261204000200_outbox_expiry.js';
import * as grantAuthTime from './20261204000300_grant_auth_time.js';
import * as grantClaims from './20261204000400_grant_claims.js';
import * as oauth2Clients from './20261204000500_oauth2_clients.js';

/**
 * Migrations are imported, not discovered on disk, so the same list runs under tsx, vitest and a
 * compiled build. Names are `YYYYMMDDHHMMSS_description`; append only. Build `up` from the
 * re-runnable steps in steps.ts: on MySQL a starter killed mid-migration leaves half of it applied.
 */
const MIGRATIONS: Record<string, Knex.Migration> = {
  '20261123050000_identity': identity,
  '20261123060000_oauth2': oauth2,
  '20261202000000_platform': platform,
  '20261202010000_rate_limits': rateLimits,
  '20261202043000_upstream_id_token_uses': upstreamIdTokenUses,
  '20261202100000_portal': portal,
  '20261202110000_credentials': credentials,
  '20261203120000_counter_shards': counterShards,
  '20261203120100_rate_limit_hits': rateLimitHits,
  '20261203130000_directory_attributes': directoryAttributes,
  '20261204000000_guess_budgets': guessBudgets,
  '20261204000100_deferred_jobs': deferredJobs,
  '20261204000200_outbox_expiry': outboxExpiry,
  '20261204000300_grant_auth_time': grantAuthTime,
  '20261204000400_grant_claims': grantClaims,
  '20261204000500_oauth2_clients': oauth2Clients,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS[name]!,
};
