import { availableParallelism } from 'node:os';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { SecretBox } from '../crypto.js';
import { NO_TELEMETRY, type Telemetry } from '../telemetry.js';
import { AccountAdministration } from './account-admin.js';
import { AccountService } from './accounts.js';
import { ApiKeyService } from './api-keys.js';
import { Auditor, AuditTrail } from './audit.js';
import { DirectoryService } from './directory.js';
import { LoginService } from './login.js';
import { MailOutbox, MailQueue, type Mailer } from './mail.js';
import type { FirstPartyTokens } from './oauth2/first-party.js';
import { OAuth2ClientAdministration } from './oauth2/client-admin.js';
import { OAuth2Service } from './oauth2/service.js';
import { OneTimeLoginService } from './onetime.js';
import { Principals } from './principal.js';
import { HashingPool } from './hashing-pool.js';
import { PasswordHasher } from './passwords.js';
import type { KernelStore, TxHandle } from './ports.js';
import { InstanceRateCounts, RateLimiter, type RateLimitSettings } from './rate-limit.js';
import { SessionService } from './sessions.js';
import { DeferredWork } from './deferred.js';
import { GuessBudget } from './guess-budget.js';
import { TotpService } from './totp.js';
import { TwoFactorService } from './two-factor.js';
import { KernelUnit } from './unit.js';
import { UpstreamAccounts } from './upstream-accounts.js';

export interface KernelDeps {
  store: KernelStore;
  clock: Clock;
  config: Config;
  box: SecretBox;
  mailer: Mailer;
  onMailError: (error: unknown) => void;
  /** a deferred job that failed (it is tried again) */
  onDeferredError?: (error: unknown, kind: string) => void;
  /** where login and guess-budget outcomes are counted (metrics) */
  telemetry?: Telemetry;
}

/**
 * The identity kernel: the rules every face shares, decided once. Faces build their own rules on
 * this interface (and on their own store and settings); they never reach the kernel's tables.
 */
export interface Kernel {
  readonly clock: Clock;
  /** seals secrets a face must read back (upstream client secrets, the credential CA's key) */
  readonly secrets: SecretBox;
  readonly accounts: AccountService;
  /** search, create, change, deactivate and delete accounts (the admin and SCIM faces) */
  readonly accountAdmin: AccountAdministration;
  readonly login: LoginService;
  readonly sessions: SessionService;
  readonly totp: TotpService;
  readonly twoFactor: TwoFactorService;
  readonly onetime: OneTimeLoginService;
  /** the bearer tokens of Gatehouse's own faces */
  readonly tokens: FirstPartyTokens;
  /** the OAuth 2.0 / OpenID Connect authorization server for third-party clients */
  readonly oauth2: OAuth2Service;
  /** OAuth2 clients registered at run time (the admin face); configured ones are read-only */
  readonly clientAdmin: OAuth2ClientAdministration;
  readonly apiKeys: ApiKeyService;
  /** the caller behind a bearer token, an API token or an API certificate, alike for every face */
  readonly principals: Principals;
  readonly directory: DirectoryService;
  readonly upstream: UpstreamAccounts;
  /** failed-guess counters per username and per address, shared by every instance */
  /** guess budgets: reserve one before checking any secret (passwords, codes, client secrets) */
  readonly guesses: GuessBudget;
  /** work done after the answer (mail, and the per-account lookups behind it), by a worker */
  readonly deferred: DeferredWork;
  readonly audit: AuditTrail;
  readonly mail: MailQueue;
  /** the mail an install without SMTP kept (the admin face) */
  readonly outbox: MailOutbox;
  /** roles an account or a grant may name: the built-in ones and those operators configured */
  readonly roles: ReadonlySet<string>;
  /** a fixed-window request limit counted in the shared store */
  /** `shared`: counted in the database for every instance; `instance`: in this process only (no write per request) */
  rateLimiter(settings: RateLimitSettings, scope?: 'shared' | 'instance'): RateLimiter;
  /** one unit of work over the kernel's tables and the caller's own (pass `tx` to its store) */
  transaction<T>(work: (unit: KernelUnit, tx: TxHandle) => Promise<T>): Promise<T>;
  /** a cheap round trip to the store */
  ping(): Promise<void>;
  /** why this instance's store cannot serve requests now, or undefined (readiness probes) */
  readiness(): Promise<string | undefined>;
}

/** Assembles the kernel once per process; constructing it validates the OAuth2 client registry. */
export function createKernel(deps: KernelDeps): Kernel {
  const { store, clock, config, box } = deps;
  const auditor = new Auditor(clock);
  const audit = new AuditTrail(store.audit, auditor);
  const passwords = new PasswordHasher(config.security.bcryptCost, new HashingPool({ concurrency: config.security.hashingConcurrency, queue: config.security.hashingQueue }, availableParallelism()));
  const totp = new TotpService(clock, box, { issuer: config.twoFactor.issuer, drift: config.twoFactor.drift });
  const guesses = new GuessBudget(clock, config.login, store.guessBudgets, store.loginAttempts);
  const login = new LoginService(store, passwords, guesses, totp, auditor, deps.telemetry ?? NO_TELEMETRY);
  const oauth2 = new OAuth2Service({ store, clock, config, box, auditor, login, guesses });
  const apiKeys = new ApiKeyService(store, clock);
  const roles: ReadonlySet<string> = new Set(['admin', 'viewer', ...Object.keys(config.mgmt.okta.mapRoles)]);
  return {
    clock,
    secrets: box,
    accounts: new AccountService(store, clock, passwords, auditor, { ...config.accounts, publicUrl: config.server.publicUrl }),
    login,
    sessions: new SessionService(store, clock, config.sessions),
    totp,
    twoFactor: new TwoFactorService(store, clock, totp, audit, guesses),
    onetime: new OneTimeLoginService(store, clock, auditor, { tokenSeconds: config.onetime.tokenSeconds, publicUrl: config.server.publicUrl }, guesses),
    tokens: oauth2.firstParty,
    oauth2,
    clientAdmin: new OAuth2ClientAdministration(oauth2.clients, () => store.oauth2Clients, clock, audit),
    apiKeys,
    principals: new Principals(oauth2.firstParty, apiKeys),
    directory: new DirectoryService(store, clock, audit),
    accountAdmin: new AccountAdministration(store, clock, passwords, audit, config.accounts, roles),
    upstream: new UpstreamAccounts(store, clock, auditor, config.accounts),
    guesses,
    deferred: new DeferredWork(store.deferredJobs, clock, deps.onDeferredError ?? (() => undefined)),
    audit,
    mail: new MailQueue(deps.mailer, deps.onMailError),
    outbox: new MailOutbox(store.outbox, clock),
    roles,
    rateLimiter: (settings, scope = 'shared') => {
      const counts = scope === 'instance' ? new InstanceRateCounts() : undefined;
      return new RateLimiter(() => counts ?? store.rateLimits, clock, settings);
    },
    transaction: (work) => store.transaction((tx, handle) => work(new KernelUnit(tx, clock, auditor), handle)),
    ping: () => store.ping(),
    readiness: () => store.readiness(),
  };
}
