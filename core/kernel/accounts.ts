import { randomUUID } from 'node:crypto';
import type { Auditor, RequestMeta } from './audit.js';
import type { Clock } from '../clock.js';
import { randomAlphanumeric, sha256Hex } from '../crypto.js';
import { GatehouseError, isGatehouseError } from '../errors.js';
import type { Account, ApiKeyRecord, MailMessage } from './model.js';
import type { PasswordHasher } from './passwords.js';
import type { KernelStore } from './ports.js';
import { grantsSystemAdmin } from './api-keys.js';
import { signOutEverywhere } from './sessions.js';
import type { PreparedPassword } from './unit.js';
import { assertCredentialRules, normalizeEmail, normalizeUsername, type CredentialRules } from './rules.js';

export interface AccountSettings extends CredentialRules {
  createEnabled: boolean;
  emailValidationRequired: boolean;
  publicUrl: string;
}

export interface NewAccountRequest {
  username: string;
  email: string | null;
  password: string;
  displayName?: string;
  isAdmin?: boolean;
  roles?: string[];
}

export interface CreatedAccount {
  account: Account;
  hasStipulations: boolean;
  /** mail to send once the transaction has committed */
  mail: MailMessage[];
}

/** An administrator of the whole service: the admin flag, or the `admin` role. */
export function isAdministrator(account: Account): boolean {
  return account.isAdmin || account.roles.includes('admin');
}

export class AccountService {
  constructor(
    private readonly store: KernelStore,
    private readonly clock: Clock,
    private readonly passwords: PasswordHasher,
    private readonly auditor: Auditor,
    private readonly settings: AccountSettings,
  ) {}

  /**
   * Creates an account all-or-nothing: every rule is checked before anything is written, and the
   * writes share one transaction (a failed step leaves no half-made account behind).
   */
  async create(request: NewAccountRequest, meta: RequestMeta): Promise<CreatedAccount> {
    const username = normalizeUsername(request.username);
    const email = request.email === null ? null : normalizeEmail(request.email);
    assertCredentialRules(this.settings, { username, password: request.password });
    const passwordHash = await this.passwords.hash(request.password);
    try {
      return await this.store.transaction(async (tx) => {
        if (await tx.accounts.findByUsername(username)) throw new GatehouseError('username_unavailable');
        if (email && (await tx.accounts.findByEmail(email))) throw new GatehouseError('account_email_exists');
        const now = this.clock.now();
        const account = await tx.accounts.insert({
          uuid: randomUUID(),
          username,
          email,
          displayName: request.displayName?.trim() || request.username.trim(),
          passwordHash,
          isAdmin: request.isAdmin ?? false,
          roles: request.roles ?? [],
          at: now,
        });
        await this.auditor.record(tx.audit, meta, { accountId: account.id, level: 'info', module: 'account', message: 'Account created' });
        const mail: MailMessage[] = [];
        if (this.settings.emailValidationRequired && email) {
          const token = randomAlphanumeric(32);
          await tx.stipulations.insert(account.id, 'email-verification', sha256Hex(token), now);
          mail.push(verificationMail(this.settings.publicUrl, email, account.uuid, token));
        }
        return { account, hasStipulations: mail.length > 0, mail };
      });
    } catch (error) {
      // Two concurrent sign-ups with the same name: the unique index decides, the loser gets 409.
      if (isGatehouseError(error) && error.code === 'conflict') throw new GatehouseError('username_unavailable', { cause: error });
      throw error;
    }
  }

  async usernameExists(username: string): Promise<boolean> {
    return (await this.store.accounts.findByUsername(normalizeUsername(username))) !== undefined;
  }

  byId(id: number): Promise<Account | undefined> {
    return this.store.accounts.findById(id);
  }

  byUuid(uuid: string): Promise<Account | undefined> {
    return this.store.accounts.findByUuid(uuid.trim().toLowerCase());
  }

  byEmail(email: string): Promise<Account | undefined> {
    return this.store.accounts.findByEmail(normalizeEmail(email));
  }

  /** A username or an email, whichever names an account. */
  async byUsernameOrEmail(identifier: string): Promise<Account | undefined> {
    return (await this.store.accounts.findByUsername(normalizeUsername(identifier))) ?? (await this.store.accounts.findByEmail(normalizeEmail(identifier)));
  }

  /** True once any account exists (the first administrator needs no bootstrap token before that). */
  anyExists(): Promise<boolean> {
    return this.store.accounts.exists();
  }

  /** Another account already shows this name (compared lower-cased). */
  displayNameTaken(displayName: string): Promise<boolean> {
    return this.store.accounts.displayNameTaken(displayName);
  }

  /**
   * An administrator of the whole service: the admin flag or the `admin` role, or a service
   * account whose service credential grants `admin` in `system` (its roles are read at every
   * call, so a demotion applies to the next one).
   */
  async isAdministrator(account: Account): Promise<boolean> {
    if (isAdministrator(account)) return true;
    return this.isAdministratorWith(account, await this.store.apiKeys.findServiceCredentialOf(account.id));
  }

  /** The same rule, when the caller already read the account's service credential. */
  isAdministratorWith(account: Account, service: ApiKeyRecord | undefined): boolean {
    return isAdministrator(account) || (service !== undefined && grantsSystemAdmin(service.namespaceRoles));
  }

  /** Signs the account out everywhere at once: every session of every face and every grant. */
  async signOutEverywhere(account: Account): Promise<void> {
    await this.store.transaction((tx) => signOutEverywhere(tx, account.id, this.clock.now()));
  }

  /**
   * Changes the password (rules checked again), then revokes the account's other sessions and
   * every OAuth2 grant: a stolen session or token must not survive the password change meant to
   * end it.
   */
  async changePassword(
    account: Account,
    change: { oldPassword: string | undefined; newPassword: string; requireOld: boolean; keepSessionId: number | undefined },
    meta: RequestMeta,
  ): Promise<void> {
    if (!account.passwordHash) throw new GatehouseError('local_login_not_found');
    if (change.requireOld && !(await this.passwords.verify(change.oldPassword ?? '', account.passwordHash))) {
      throw new GatehouseError('invalid_credentials', { logDetail: 'wrong old password on change' });
    }
    assertCredentialRules(this.settings, { password: change.newPassword });
    const hash = await this.passwords.hash(change.newPassword);
    await this.store.transaction(async (tx) => {
      const now = this.clock.now();
      await tx.accounts.setPassword(account.id, hash, now);
      await signOutEverywhere(tx, account.id, now, change.keepSessionId);
      await this.auditor.record(tx.audit, meta, { accountId: account.id, level: 'info', module: 'auth:simple', message: 'Password updated' });
    });
  }

  /** Checks a new password against the rules and hashes it, before any transaction opens. */
  async preparePassword(password: string): Promise<PreparedPassword> {
    assertCredentialRules(this.settings, { password });
    return { hash: await this.passwords.hash(password) };
  }

  /** Satisfies an account's stipulation with the token that was mailed for it. */
  async satisfyStipulation(account: Account, token: string, meta: RequestMeta): Promise<void> {
    const ok = await this.store.stipulations.satisfy(account.id, sha256Hex(token.trim()), this.clock.now());
    if (!ok) {
      await this.auditor.record(this.store.audit, meta, { accountId: account.id, level: 'warn', module: 'account', message: 'Unable to validate stipulation token' });
      throw new GatehouseError('no_stipulation_satisfied');
    }
    await this.auditor.record(this.store.audit, meta, { accountId: account.id, level: 'info', module: 'account', message: 'Stipulation token is satisfied' });
  }

}

function verificationMail(publicUrl: string, to: string, accountUuid: string, token: string): MailMessage {
  const link = `${publicUrl}/activate?account=${encodeURIComponent(accountUuid)}&token=${encodeURIComponent(token)}`;
  return {
    to,
    subject: 'Verify your email address',
    text: `Welcome! Confirm your email address to activate your account:\n\n${link}\n\nIf you did not sign up, ignore this message.`,
  };
}
