import type { Knex } from 'knex';
import type { KernelStore, TxHandle } from '../core/kernel/ports.js';
import { translateDbError, translated as translatedRepository, withConflictRetry } from './errors.js';
import { storeReadiness } from './health.js';
import { KnexAccountRepository } from './repositories/accounts.js';
import { KnexCredentialRepository } from './repositories/credentials.js';
import { KnexDirectoryRepository } from './repositories/directory.js';
import { KnexOAuth2Repository } from './repositories/oauth2.js';
import { KnexOAuth2ClientRepository } from './repositories/oauth2-clients.js';
import { KnexRateLimitRepository } from './repositories/rate-limits.js';
import { KnexDeferredJobRepository } from './repositories/deferred-jobs.js';
import { KnexGuessBudgetRepository } from './repositories/guess-budgets.js';
import { KnexAuditRepository, KnexLoginAttemptRepository, KnexMailOutboxRepository } from './repositories/records.js';
import { KnexSessionRepository } from './repositories/sessions.js';
import { KnexSigningKeyRepository } from './repositories/signing-keys.js';
import { KnexOneTimeTokenRepository, KnexStipulationRepository } from './repositories/tokens.js';
import { KnexUpstreamLinkRepository } from './repositories/upstream-links.js';

/** The Knex executor behind a unit of work the core handed back (a transaction is a Knex too). */
export function executorOf(tx: TxHandle): Knex {
  return tx as unknown as Knex;
}

/**
 * A face's own store over the pool, and over a unit of work the kernel started: its repositories
 * wrapped so driver errors leave them already translated.
 */
export function faceStore<S extends object>(db: Knex, create: (executor: Knex) => S): { store: S; within(tx: TxHandle): S } {
  const build = (executor: Knex) => translatedEach(executor, create(executor));
  return { store: build(db), within: (tx) => build(executorOf(tx)) };
}

function translatedEach<S extends object>(executor: Knex, store: S): S {
  const translated = translatorFor(executor);
  return Object.fromEntries(Object.entries(store).map(([name, repository]) => [name, translated(repository as object)])) as S;
}

/**
 * Outside a transaction every repository call is its own unit of work and is re-run on a
 * deadlock or certification conflict (Galera); inside one, the whole transaction is re-run instead
 * (InnoDB and Galera roll all of it back).
 */
function translatorFor(executor: Knex) {
  const autocommit = !executor.isTransaction;
  return <T extends object>(repository: T) => translatedRepository(repository, { retryConflicts: autocommit });
}

/** The kernel's KernelStore over a Knex executor (the pool, or a transaction). */
export function createKernelStore(db: Knex): KernelStore {
  const translated = translatorFor(db);
  return {
    accounts: translated(new KnexAccountRepository(db)),
    sessions: translated(new KnexSessionRepository(db)),
    oneTimeTokens: translated(new KnexOneTimeTokenRepository(db)),
    stipulations: translated(new KnexStipulationRepository(db)),
    audit: translated(new KnexAuditRepository(db)),
    loginAttempts: translated(new KnexLoginAttemptRepository(db)),
    guessBudgets: translated(new KnexGuessBudgetRepository(db)),
    deferredJobs: translated(new KnexDeferredJobRepository(db)),
    outbox: translated(new KnexMailOutboxRepository(db)),
    signingKeys: translated(new KnexSigningKeyRepository(db)),
    oauth2: translated(new KnexOAuth2Repository(db)),
    oauth2Clients: translated(new KnexOAuth2ClientRepository(db)),
    rateLimits: translated(new KnexRateLimitRepository(db)),
    directory: translated(new KnexDirectoryRepository(db)),
    upstreamLinks: translated(new KnexUpstreamLinkRepository(db)),
    // API credentials are the credentials face's table; the kernel reads them to authenticate callers.
    apiKeys: translated(new KnexCredentialRepository(db)),
    async transaction<T>(work: (store: KernelStore, tx: TxHandle) => Promise<T>): Promise<T> {
      const run = () => db.transaction((trx) => work(createKernelStore(trx), trx as unknown as TxHandle));
      if (!db.isTransaction) return withConflictRetry('transaction', run);
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
    readiness: () => storeReadiness(db),
  };
}
