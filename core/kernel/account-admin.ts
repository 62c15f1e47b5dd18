import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { GatehouseError, isGatehouseError } from '../errors.js';
import type { AuditTrail, RequestMeta } from './audit.js';
import type { Account } from './model.js';
import type { PasswordHasher } from './passwords.js';
import type { AccountChanges, KernelStore } from './ports.js';
import { boundedPage, type AccountAttribute, type Filter, type Page, type PageOf } from './queries.js';
import { assertCredentialRules, normalizeEmail, normalizeUsername, usernameProblem, type CredentialRules } from './rules.js';
import { signOutEverywhere } from './sessions.js';

/** An account as an operator or a provisioning client creates it: the password is optional. */
export interface AdminNewAccount {
  username: string;
  email?: string | null;
  password?: string;
  displayName?: string;
  givenName?: string | null;
  familyName?: string | null;
  externalId?: string | null;
  roles?: readonly string[];
  isAdmin?: boolean;
  active?: boolean;
}

/** Who asks, for the audit trail: the face's module (`admin`, `scim`) and the request. */
export interface AdminContext {
  module: string;
  meta: RequestMeta;
  /** the operator's account, when a person acts (null: a provisioning client) */
  by?: Account | undefined;
}

/**
 * Account administration for the faces that manage the directory (the admin API, SCIM): search,
 * create, change, deactivate and delete accounts, reset a second factor. Deactivating or deleting
 * an account signs it out everywhere at once: every session, every grant (access and refresh
 * tokens) and every API credential, on every instance (all of them are checked in the store at
 * every request). Every change writes one audit row.
 */
export class AccountAdministration {
  constructor(
    private readonly store: KernelStore,
    private readonly clock: Clock,
    private readonly passwords: PasswordHasher,
    private readonly audit: AuditTrail,
    private readonly rules: CredentialRules,
    private readonly knownRoles: ReadonlySet<string>,
  ) {}

  search(filter: Filter<AccountAttribute> | undefined, page: Partial<Page<AccountAttribute>>): Promise<PageOf<Account>> {
    return this.store.accounts.search(filter, boundedPage(page));
  }

  byExternalId(externalId: string): Promise<Account | undefined> {
    return this.store.accounts.findByExternalId(externalId);
  }

  async create(input: AdminNewAccount, context: AdminContext): Promise<Account> {
    const username = normalizeUsername(input.username);
    const problem = usernameProblem(this.rules, username);
    if (problem) throw new GatehouseError('credentials_failed_requirements', { message: problem });
    if (input.password !== undefined) assertCredentialRules(this.rules, { password: input.password });
    this.checkRoles(input.roles);
    const passwordHash = input.password === undefined ? null : await this.passwords.hash(input.password);
    const email = input.email ? normalizeEmail(input.email) : null;
    const account = await this.unique(() =>
      this.store.transaction(async (tx) => {
        const created = await tx.accounts.insert({
          uuid: randomUUID(),
          username,
          email,
          displayName: input.displayName?.trim() || username,
          passwordHash,
          isAdmin: input.isAdmin ?? false,
          roles: [...(input.roles ?? [])],
          at: this.clock.now(),
          externalId: input.externalId ?? null,
          givenName: input.givenName ?? null,
          familyName: input.familyName ?? null,
        });
        if (input.active === false) await tx.accounts.update(created.id, { active: false }, this.clock.now());
        await this.audit.within(tx.audit).record(context.meta, { accountId: created.id, level: 'info', module: context.module, message: `Account created${by(context)}` });
        return created;
      }),
    );
    return (await this.store.accounts.findById(account.id))!;
  }

  /** Applies the changes; turning `active` off deprovisions the account (see the class comment). */
  async update(account: Account, changes: AccountChanges & { password?: string }, context: AdminContext): Promise<Account> {
    const { password, ...columns } = changes;
    if (columns.username !== undefined) {
      columns.username = normalizeUsername(columns.username);
      const problem = usernameProblem(this.rules, columns.username);
      if (problem) throw new GatehouseError('credentials_failed_requirements', { message: problem });
    }
    if (columns.email) columns.email = normalizeEmail(columns.email);
    if (columns.displayName !== undefined) columns.displayName = columns.displayName.trim() || account.username;
    this.checkRoles(columns.roles);
    if (password !== undefined) assertCredentialRules(this.rules, { password });
    const passwordHash = password === undefined ? undefined : await this.passwords.hash(password);
    const deactivating = columns.active === false && account.active;
    await this.unique(() =>
      this.store.transaction(async (tx) => {
        const now = this.clock.now();
        await tx.accounts.update(account.id, columns, now);
        if (passwordHash) await tx.accounts.setPassword(account.id, passwordHash, now);
        // A new password or a disabled account: nothing signed in before may go on.
        if (deactivating || passwordHash) await signOutEverywhere(tx, account.id, now);
        if (deactivating) await tx.apiKeys.disableAllOf(account.id, now);
        const what = Object.keys(changes).sort().join(', ');
        await this.audit.within(tx.audit).record(context.meta, { accountId: account.id, level: deactivating ? 'warn' : 'info', module: context.module, message: `Account ${deactivating ? 'deactivated' : 'updated'} (${what})${by(context)}` });
      }),
    );
    return (await this.store.accounts.findById(account.id))!;
  }

  /** Deletes the account and everything that was its (sessions, grants, credentials, memberships). */
  async delete(account: Account, context: AdminContext): Promise<void> {
    await this.store.transaction(async (tx) => {
      // The account's own audit rows stay (their account id becomes null); this one names it.
      await this.audit.within(tx.audit).record(context.meta, { accountId: null, level: 'warn', module: context.module, message: `Account ${account.uuid} (${account.username}) deleted${by(context)}` });
      await tx.accounts.delete(account.id);
    });
  }

  async resetSecondFactor(account: Account, context: AdminContext): Promise<void> {
    if (!account.totpSecretSealed) throw new GatehouseError('totp_disabled');
    await this.store.accounts.setTotpSecret(account.id, null, this.clock.now());
    await this.audit.record(context.meta, { accountId: account.id, level: 'warn', module: context.module, message: `Second factor reset${by(context)}` });
  }

  /** Every session of every face and every grant end; API credentials stay (they are separate). */
  async signOutEverywhere(account: Account, context: AdminContext): Promise<void> {
    await this.store.transaction(async (tx) => {
      await signOutEverywhere(tx, account.id, this.clock.now());
      await this.audit.within(tx.audit).record(context.meta, { accountId: account.id, level: 'info', module: context.module, message: `Signed out everywhere${by(context)}` });
    });
  }

  private checkRoles(roles: readonly string[] | undefined): void {
    const unknown = (roles ?? []).filter((role) => !this.knownRoles.has(role));
    if (unknown.length) throw new GatehouseError('bad_request', { message: `unknown role${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}` });
  }

  /** A taken username, email or externalId (unique keys decide, also under races) in the caller's words. */
  private async unique<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isGatehouseError(error) && error.code === 'conflict') throw new GatehouseError('conflict', { message: 'an account with this username, email or external id already exists', cause: error });
      throw error;
    }
  }
}

/** ` by <operator>` for an audit message, when a person acted. */
export function by(context: Pick<AdminContext, 'by'> | undefined): string {
  return context?.by ? ` by ${context.by.username}` : '';
}
