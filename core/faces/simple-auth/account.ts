import type { RequestMeta } from '../../kernel/audit.js';
import { GatehouseError } from '../../errors.js';
import type { Kernel } from '../../kernel/index.js';
import type { RateLimiter } from '../../kernel/rate-limit.js';
import type { Account, AuditRecord, Session } from '../../kernel/model.js';
import type { Principal } from '../../kernel/principal.js';
import type { SimpleAuthSettings } from './settings.js';

/** What GET /local tells about an account's local login. */
export interface LocalLogin {
  username: string;
  twoFactor: boolean;
  twoFactorAllowed: boolean;
  requireOldPassword: boolean;
}

/** simple-auth's account operations: sign-up, the name check, the audit trail, the password. */
export class SimpleAuthAccounts {
  constructor(
    private readonly kernel: Kernel,
    private readonly settings: SimpleAuthSettings,
    private readonly checkLimit: RateLimiter,
  ) {}

  /** POST /account; with `createSession`, a session when nothing (a stipulation) stands in the way. */
  async create(input: { username: string; email: string | null; password: string }, createSession: boolean, meta: RequestMeta): Promise<{ account: Account; hasStipulations: boolean; session?: { token: string; session: Session } }> {
    if (!this.settings.createEnabled) throw new GatehouseError('feature_disabled', { reason: 'account-creation-disabled', message: 'account creation is disabled' });
    const created = await this.kernel.accounts.create(input, meta);
    void this.kernel.mail.dispatch(created.mail);
    if (!createSession || created.hasStipulations) return { account: created.account, hasStipulations: created.hasStipulations };
    return { account: created.account, hasStipulations: false, session: await this.kernel.sessions.start(created.account, SIMPLE_AUTH_SESSION, 'login', meta) };
  }

  /**
   * POST /account/check tells anyone whether a name is taken (sign-up forms need it), so it is
   * rationed per address: an unthrottled check enumerates accounts as fast as it is asked.
   */
  async usernameExists(username: string, meta: RequestMeta): Promise<boolean> {
    await this.checkLimit.check(`username-check:${meta.ip ?? 'unknown'}`);
    return this.kernel.accounts.usernameExists(username);
  }

  /** simple-auth's page size is 10 by default and 100 at most. */
  auditTrail(account: Account, offset = 0, limit = 10): Promise<AuditRecord[]> {
    return this.kernel.audit.forAccount(account.id, Math.max(0, offset), Math.min(100, Math.max(1, limit)));
  }

  localLogin(principal: Principal): LocalLogin {
    const { account } = principal;
    if (!account.passwordHash) throw new GatehouseError('local_login_not_found');
    return { username: account.username, twoFactor: account.totpSecretSealed !== null, twoFactorAllowed: this.settings.twoFactorEnabled, requireOldPassword: requiresOldPassword(principal) };
  }

  /**
   * Changes the password; the account's other sessions and every grant end with it (a stolen
   * session or token must not survive the change meant to end it).
   */
  async changePassword(principal: Principal, oldPassword: string | undefined, newPassword: string, meta: RequestMeta): Promise<LocalLogin> {
    const view = this.localLogin(principal);
    await this.kernel.accounts.changePassword(principal.account, { oldPassword, newPassword, requireOld: view.requireOldPassword, keepSessionId: principal.session?.id }, meta);
    return view;
  }

  /** "If blank, from session": the stipulation's account is named, or the browser's own. */
  async satisfyStipulation(accountUuid: string | undefined, sessionCookie: string | undefined, token: string, meta: RequestMeta): Promise<void> {
    const account = accountUuid
      ? await this.kernel.accounts.byUuid(accountUuid)
      : sessionCookie
        ? (await this.kernel.sessions.resolve(sessionCookie, SIMPLE_AUTH_SESSION))?.account
        : undefined;
    // An unknown account answers like a wrong token: the endpoint does not reveal account ids.
    if (!account) throw new GatehouseError('no_stipulation_satisfied', { logDetail: 'unknown account' });
    await this.kernel.accounts.satisfyStipulation(account, token, meta);
  }
}

/** The session kind of simple-auth's cookie. */
export const SIMPLE_AUTH_SESSION = 'simple-auth';

/**
 * A one-time-link session is how a forgotten password is reset, and a trusted back end
 * (SharedKey) already vouches for the user: neither proves the old password. Everyone else does.
 */
export function requiresOldPassword(principal: Principal): boolean {
  return !(principal.via === 'shared-key' || principal.session?.source === 'onetime');
}
