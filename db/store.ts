import type { Knex } from 'knex';
import type { Store } from '../core/ports.js';
import { translateDbError, translated as translatedRepository, withConflictRetry } from './errors.js';
import { KnexAccountRepository } from './repositories/accounts.js';
import { KnexIdTokenUseRepository } from './repositories/id-token-uses.js';
import { KnexAuditRepository, KnexLoginAttemptRepository, KnexMailOutboxRepository } from './repositories/records.js';
import { KnexOAuth2Repository } from './repositories/oauth2.js';
import { KnexCredentialRepository } from './repositories/credentials.js';
import { KnexCounterRepository } from './repositories/counters.js';
import { KnexOidcRepository, KnexSetupRepository } from './repositories/platform.js';
import { KnexPortalRepository } from './repositories/portal.js';
import { KnexRateLimitRepository } from './repositories/rate-limits.js';
import { KnexSessionRepository } from './repositories/sessions.js';
import { KnexSigningKeyRepository } from './repositories/signing-keys.js';
import { KnexOneTimeTokenRepository, KnexStipulationRepository } from './repositories/tokens.js';

/** The core's Store over a Knex executor (the pool, or a transaction: both are a Knex). */
export function createStore(db: Knex): Store {
  // Outside a transaction every repository call is its own unit of work and is retried on a
  // conflict; inside one, the transaction below is (InnoDB and Galera roll all of it back).
  const autocommit = !db.isTransaction;
  const translated = <T extends object>(repository: T) => translatedRepository(repository, { retryConflicts: autocommit });
  return {
    accounts: translated(new KnexAccountRepository(db)),
    sessions: translated(new KnexSessionRepository(db)),
    oneTimeTokens: translated(new KnexOneTimeTokenRepository(db)),
    stipulations: translated(new KnexStipulationRepository(db)),
    audit: translated(new KnexAuditRepository(db)),
    loginAttempts: translated(new KnexLoginAttemptRepository(db)),
    outbox: translated(new KnexMailOutboxRepository(db)),
    signingKeys: translated(new KnexSigningKeyRepository(db)),
    oauth2: translated(new KnexOAuth2Repository(db)),
    setup: translated(new KnexSetupRepository(db)),
    oidc: translated(new KnexOidcRepository(db)),
    counters: translated(new KnexCounterRepository(db)),
    apiCredentials: translated(new KnexCredentialRepository(db)),
    rateLimits: translated(new KnexRateLimitRepository(db)),
    idTokenUses: translated(new KnexIdTokenUseRepository(db)),
    portal: translated(new KnexPortalRepository(db)),
    async transaction<T>(work: (store: Store) => Promise<T>): Promise<T> {
      const run = () => db.transaction((trx) => work(createStore(trx)));
      if (autocommit) return withConflictRetry('transaction', run);
      // Nested: a savepoint. A conflict has rolled back the outer transaction too; that one re-runs.
      try {
        return await run();
      } catch (error) {
        throw translateDbError(error);
      }
    },
    async ping(): Promise<void> {
      try {
        await db.raw('select 1');
      } catch (error) {
        throw translateDbError(error);
      }
    },
  };
}
