import type { GrantOrigin, NewOAuth2Token, OAuth2Grant, OAuth2Token, OAuth2TokenType, SigningKeyRecord } from './oauth2/model.js';
import type { AccountAttribute, Filter, OrganizationAttribute, Page, PageOf } from './queries.js';
import type { Account, ApiKeyRecord, AuditRecord, MailMessage, Membership, OneTimePurpose, OneTimeToken, Organization, Session, SessionKind, SessionSource, Stipulation } from './model.js';

/**
 * The storage the identity rules need. db/ implements it over Knex; core never sees SQL.
 * Every method may throw GatehouseError('unavailable') when the database cannot be reached.
 */
export interface NewAccount {
  uuid: string;
  username: string;
  email: string | null;
  displayName: string;
  passwordHash: string | null;
  isAdmin: boolean;
  roles: string[];
  at: Date;
  externalId?: string | null;
  givenName?: string | null;
  familyName?: string | null;
}

/** What an administrator or a provisioning client may change about an account (absent: unchanged). */
export interface AccountChanges {
  username?: string;
  email?: string | null;
  displayName?: string;
  givenName?: string | null;
  familyName?: string | null;
  externalId?: string | null;
  active?: boolean;
  isAdmin?: boolean;
  /** replaces every role */
  roles?: readonly string[];
}

export interface AccountRepository {
  insert(account: NewAccount): Promise<Account>;
  findById(id: number): Promise<Account | undefined>;
  findByUuid(uuid: string): Promise<Account | undefined>;
  /** username or email, both already lower-cased */
  findByUsername(username: string): Promise<Account | undefined>;
  findByEmail(email: string): Promise<Account | undefined>;
  /** true once any account exists (first-admin bootstrap needs no token before that) */
  exists(): Promise<boolean>;
  /** another account already shows this name (compared lower-cased) */
  displayNameTaken(displayName: string): Promise<boolean>;
  setPassword(id: number, passwordHash: string, at: Date): Promise<void>;
  /** deletes the account and what hangs on it (its roles; other rows cascade) */
  delete(id: number): Promise<void>;
  setTotpSecret(id: number, sealed: string | null, at: Date): Promise<void>;
  /**
   * Records that TOTP step `step` was accepted, only if no later-or-equal step was accepted before
   * (one conditional UPDATE). False means the code was already used: a replay.
   */
  claimTotpStep(id: number, step: number): Promise<boolean>;
  /** the accounts the filter matches (all without one), a page of them, and how many there are */
  search(filter: Filter<AccountAttribute> | undefined, page: Page<AccountAttribute>): Promise<PageOf<Account>>;
  /** one UPDATE of the changed columns (and the roles, replaced); throws `conflict` on a taken name, email or externalId */
  update(id: number, changes: AccountChanges, at: Date): Promise<void>;
  findByExternalId(externalId: string): Promise<Account | undefined>;
}

export interface NewSession {
  tokenHash: string;
  accountId: number;
  kind: SessionKind;
  source: SessionSource;
  at: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

export interface SessionRepository {
  insert(session: NewSession): Promise<Session>;
  findByTokenHash(tokenHash: string): Promise<Session | undefined>;
  /** the session and its account (with roles) in one read */
  findWithAccount(tokenHash: string): Promise<{ session: Session; account: Account } | undefined>;
  touch(id: number, lastSeenAt: Date, idleExpiresAt: Date): Promise<void>;
  revoke(id: number, at: Date): Promise<void>;
  /** revokes every live session of the account except `keepId`; returns how many */
  revokeAllForAccount(accountId: number, at: Date, options?: { kind?: SessionKind; keepId?: number }): Promise<number>;
  /** sessions of the kind that are not revoked, idle-expired or past their absolute expiry */
  countActive(kind: SessionKind, now: Date): Promise<number>;
  /** deletes the kind's revoked and expired rows (the reaper); returns how many */
  deleteEnded(kind: SessionKind, now: Date): Promise<number>;
}

export interface NewOneTimeToken {
  purpose: OneTimePurpose;
  tokenHash: string;
  accountId: number;
  expiresAt: Date;
  at: Date;
}

export interface OneTimeTokenRepository {
  insert(token: NewOneTimeToken): Promise<OneTimeToken>;
  findByHash(purpose: OneTimePurpose, tokenHash: string): Promise<OneTimeToken | undefined>;
  /** `UPDATE … SET used_at = ? WHERE id = ? AND used_at IS NULL`; false when someone used it first */
  consume(id: number, at: Date): Promise<boolean>;
}

export interface StipulationRepository {
  insert(accountId: number, kind: Stipulation['kind'], tokenHash: string, at: Date): Promise<void>;
  countOpen(accountId: number): Promise<number>;
  /** satisfies the open stipulation with this token hash; false when none matched */
  satisfy(accountId: number, tokenHash: string, at: Date): Promise<boolean>;
}

/** What an operator asks of the audit trail: every given condition holds. */
export interface AuditQuery {
  accountId?: number;
  module?: string;
  /** at or after */
  since?: Date;
  /** before */
  until?: Date;
}

/** An audit record with the account it names (null when none, or deleted since). */
export interface AuditEntry extends AuditRecord {
  account: { uuid: string; username: string } | null;
}

export interface AuditRepository {
  append(record: AuditRecord): Promise<void>;
  listForAccount(accountId: number, offset: number, limit: number): Promise<AuditRecord[]>;
  /** newest first */
  search(query: AuditQuery, offset: number, limit: number): Promise<{ total: number; items: AuditEntry[] }>;
}

export interface LoginAttemptRepository {
  record(attempt: { scope: 'user' | 'ip'; key: string; success: boolean; reason: string; at: Date }): Promise<void>;
}

export type GuessReservation = { reserved: true } | { reserved: false; windowStartedAt: Date };

/** A budget a guess spends from, and how many guesses its window allows. */
export interface GuessBucket {
  bucket: string;
  limit: number;
}

/** A guess reserved, checked and settled as one step: the check's answer, or the first full budget. */
export type SettledGuess = { right: boolean } | { refused: GuessBucket & { windowStartedAt: Date } };

export interface GuessBudgetRepository {
  /**
   * Takes one guess from the bucket when its window (started after `windowFloor`) has used fewer
   * than `limit`, or starts a new window when the old one ended; atomically, before any secret is
   * checked. Refused: when the spent window started.
   */
  reserve(bucket: string, limit: number, now: Date, windowFloor: Date): Promise<GuessReservation>;
  /**
   * Reserves a guess in every bucket, runs `check` and keeps the guesses only when it answers
   * false, as one step no other guess can come between (SQLite: one write-locked transaction;
   * MySQL/MariaDB: one transaction holding the buckets' rows locked); `check` is not run when a
   * budget is spent. A right answer then writes nothing. Undefined when the store cannot do this as
   * one step (MySQL/MariaDB: a bucket without its row in a running window): the caller reserves,
   * checks and refunds apart. `check` must be synchronous and cheap (a SHA-256 compare): it runs
   * while the store's locks are held.
   */
  settleAtOnce(buckets: readonly GuessBucket[], now: Date, windowFloor: Date, check: () => boolean): Promise<SettledGuess | undefined>;
  /** gives one guess back to each bucket, in one step (a success is no guess against the secret) */
  refund(buckets: readonly string[]): Promise<void>;
  /** forgets the bucket's window (an operator's release, a proven mailbox) */
  clear(bucket: string): Promise<void>;
  /** guesses used in the bucket's window (operators, tests) */
  used(bucket: string): Promise<number>;
}

export interface DeferredJob {
  id: number;
  kind: string;
  payload: string;
  attempts: number;
}

export interface DeferredJobRepository {
  insert(kind: string, payload: string, at: Date): Promise<void>;
  /**
   * Takes the oldest job nobody holds (or whose holder's lease ended before `staleBefore`) with
   * fewer than `maxAttempts` tries, by conditional update: two workers never take the same one.
   */
  claim(now: Date, staleBefore: Date, claimId: string, maxAttempts: number): Promise<DeferredJob | undefined>;
  /** the job is done (or given up): its row goes */
  remove(id: number): Promise<void>;
  /** jobs not yet done (tests, operators) */
  pending(): Promise<number>;
}

export interface OutboxMessage {
  to: string;
  subject: string;
  text: string;
  createdAt: Date;
}

export interface MailOutboxRepository {
  insert(message: MailMessage, at: Date): Promise<void>;
  /** unexpired messages, newest first, optionally to one address */
  list(to: string | undefined, now: Date, offset: number, limit: number): Promise<{ total: number; items: OutboxMessage[] }>;
}

/** An OAuth2 client an operator registered (the admin face), as stored. */
export interface StoredOAuth2Client {
  id: string;
  name: string;
  redirectUris: string[];
  scopes: string[];
  secretHash: string | null;
  public: boolean;
  oidc: boolean;
  idTokenSignedResponseAlg: 'RS256' | 'EdDSA';
  createdAt: Date;
  updatedAt: Date;
}

export interface OAuth2ClientRepository {
  find(clientId: string): Promise<StoredOAuth2Client | undefined>;
  list(): Promise<StoredOAuth2Client[]>;
  /** a taken id throws `conflict` */
  insert(client: StoredOAuth2Client): Promise<void>;
  update(clientId: string, changes: Partial<Pick<StoredOAuth2Client, 'name' | 'redirectUris' | 'scopes' | 'secretHash'>>, at: Date): Promise<boolean>;
  /** deletes the client and every grant (and so every code and token) issued to it */
  delete(clientId: string): Promise<boolean>;
}

export interface SigningKeyRepository {
  insert(key: SigningKeyRecord): Promise<void>;
  /** keys not retired, or retired after `retiredAfter` (they may still have unexpired tokens) */
  listUsable(retiredAfter: Date): Promise<SigningKeyRecord[]>;
  /** marks every other unretired key retired; returns how many */
  retireAllExcept(kids: readonly string[], at: Date): Promise<number>;
}

export interface OAuth2Repository {
  /** `authTime`: when the account authenticated for this grant (OIDC `auth_time`) */
  insertGrant(grant: { accountId: number; clientId: string; scopes: string[]; origin: GrantOrigin; at: Date; authTime?: Date | null; claims?: Readonly<Record<string, unknown>> | null }): Promise<OAuth2Grant>;
  insertToken(token: NewOAuth2Token): Promise<OAuth2Token>;
  findToken(type: OAuth2TokenType, tokenHash: string): Promise<OAuth2Token | undefined>;
  /** the token with its account (joined), for bearer checks and introspection */
  findTokenWithAccount(type: OAuth2TokenType, tokenHash: string): Promise<{ token: OAuth2Token; account: Account } | undefined>;
  /** `UPDATE … SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL`; false when already used */
  consume(id: number, at: Date): Promise<boolean>;
  /** revokes the grant and every token issued under it; returns how many tokens changed */
  revokeGrant(grantId: number, at: Date): Promise<number>;
  /**
   * revokes every grant of the account for the client (every client when undefined) except
   * `exceptGrantId`; returns how many tokens changed
   */
  revokeGrantsFor(accountId: number, clientId: string | undefined, at: Date, exceptGrantId?: number): Promise<number>;
  /** revokes one token row */
  revokeToken(id: number, at: Date): Promise<boolean>;
  /** revokes the grant's live access tokens except `exceptId` (revokeOldTokens on refresh) */
  revokeAccessTokensOfGrant(grantId: number, at: Date, exceptId: number): Promise<number>;
  /** moves a token into another grant (a reused access token belongs to the grant that handed it out) */
  moveToGrant(tokenId: number, grantId: number): Promise<void>;
  /** the account's live tokens (not expired, used or revoked, grant not revoked), oldest first */
  listLive(accountId: number, now: Date, clientId?: string): Promise<OAuth2Token[]>;
}

export interface RateLimitRepository {
  /** counts one request in the bucket's window and returns the window's count so far */
  hit(bucket: string, windowStart: Date): Promise<number>;
  /** deletes windows that started before `before` */
  prune(before: Date): Promise<void>;
}

/** Organizations with memberships, and credential namespaces: the directory every face shares. */
export interface DirectoryRepository {
  insertOrganization(organization: { uuid: string; name: string; externalId?: string | null; at: Date }): Promise<Organization>;
  searchOrganizations(filter: Filter<OrganizationAttribute> | undefined, page: Page<OrganizationAttribute>): Promise<PageOf<Organization>>;
  updateOrganization(id: number, changes: { name?: string; externalId?: string | null }): Promise<void>;
  /** deletes it and its memberships; false when it was gone already */
  deleteOrganization(id: number): Promise<boolean>;
  /** the organization's members with their roles, oldest membership first */
  members(organizationId: number): Promise<{ account: Account; role: string }[]>;
  /** false when the account was no member */
  removeMembership(organizationId: number, accountId: number): Promise<boolean>;
  insertNamespace(name: string, at: Date): Promise<void>;
  namespaces(): Promise<{ name: string; createdAt: Date; credentials: number }[]>;
  /** deletes an empty namespace: `in_use` while credentials live in it */
  deleteNamespace(name: string): Promise<'deleted' | 'not_found' | 'in_use'>;
  /** adds the account to the organization, or changes its role there */
  setMembership(organizationId: number, accountId: number, role: string, at: Date): Promise<void>;
  organizationByUuid(uuid: string): Promise<Organization | undefined>;
  organizationById(id: number): Promise<Organization | undefined>;
  /** the account's memberships, oldest first (the first is the default organization) */
  memberships(accountId: number): Promise<Membership[]>;
  namespaceExists(name: string): Promise<boolean>;
  /** the organization names among `names` that do not exist */
  missingOrganizations(names: readonly string[]): Promise<string[]>;
}

/** Accounts linked to an upstream identity (issuer, subject): OIDC logins of any face. */
export interface UpstreamLinkRepository {
  findLinkedAccountId(issuer: string, subject: string): Promise<number | undefined>;
  link(issuer: string, subject: string, accountId: number, at: Date): Promise<void>;
}

/** The API credentials that authenticate callers (the credentials face issues them; every face accepts them). */
export interface ApiKeyRepository {
  /** the credential with its account (joined): what every API-token and certificate call reads */
  findByHashWithAccount(tokenHash: string): Promise<{ credential: ApiKeyRecord; account: Account } | undefined>;
  /** the service credential whose service account this is, if any */
  findServiceCredentialOf(accountId: number): Promise<ApiKeyRecord | undefined>;
  /** disables every credential carrying the account's authority (deprovisioning); returns how many */
  disableAllOf(accountId: number, at: Date): Promise<number>;
}

/**
 * A unit of work in progress, opaque to the core: a face passes it to its own store so that its
 * writes and the kernel's share one transaction.
 */
export interface TxHandle {
  readonly __transaction: unique symbol;
}

/** The kernel's tables, over one executor (the pool, or one transaction). */
export interface KernelStore {
  accounts: AccountRepository;
  sessions: SessionRepository;
  oneTimeTokens: OneTimeTokenRepository;
  stipulations: StipulationRepository;
  audit: AuditRepository;
  loginAttempts: LoginAttemptRepository;
  guessBudgets: GuessBudgetRepository;
  deferredJobs: DeferredJobRepository;
  outbox: MailOutboxRepository;
  signingKeys: SigningKeyRepository;
  oauth2Clients: OAuth2ClientRepository;
  oauth2: OAuth2Repository;
  rateLimits: RateLimitRepository;
  directory: DirectoryRepository;
  upstreamLinks: UpstreamLinkRepository;
  apiKeys: ApiKeyRepository;
  /** runs `work` in one transaction; everything it wrote is rolled back if it throws */
  transaction<T>(work: (store: KernelStore, tx: TxHandle) => Promise<T>): Promise<T>;
  /** cheap round trip, for the health check */
  ping(): Promise<void>;
  /** why the store cannot serve requests now (unreachable, a Galera node out of the primary component), or undefined */
  readiness(): Promise<string | undefined>;
}
