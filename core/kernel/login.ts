import type { Auditor, RequestMeta } from './audit.js';
import { GatehouseError } from '../errors.js';
import type { Account } from './model.js';
import type { PasswordHasher } from './passwords.js';
import type { Store } from './ports.js';
import { normalizeEmail, normalizeUsername } from './rules.js';
import type { LoginThrottle } from './throttle.js';
import type { TotpService } from './totp.js';

export interface LoginAttempt {
  /** username or email */
  identifier: string;
  password: string;
  totp?: string | undefined;
}

/**
 * The one login check every face uses. Order matters: throttle first; then the password, with the
 * same cost for unknown users; only after a correct password does the caller learn that the
 * account is inactive, has open stipulations or needs a TOTP code (so none of those can be probed
 * without the password).
 */
export class LoginService {
  constructor(
    private readonly store: Store,
    private readonly passwords: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly totp: TotpService,
    private readonly auditor: Auditor,
  ) {}

  async assertLogin(attempt: LoginAttempt, meta: RequestMeta, module = 'auth:simple'): Promise<Account> {
    const key = normalizeUsername(attempt.identifier);
    const { store } = this;
    await this.throttle.check(store.loginAttempts, key, meta.ip);

    const account = await this.find(attempt.identifier);
    const passwordOk = await this.passwords.verify(attempt.password, account?.passwordHash);
    if (!account || !passwordOk) {
      await this.throttle.recordFailure(store.loginAttempts, key, meta.ip, !account ? 'unknown_user' : account.passwordHash ? 'bad_password' : 'no_password');
      // The attempted name is not written down: people type passwords into the username field.
      await this.auditor.record(store.audit, meta, { accountId: account?.id ?? null, level: 'warn', module, message: account ? 'Login failed' : 'Login failed: unknown user' });
      throw new GatehouseError('invalid_credentials', { logDetail: account ? 'wrong password' : 'unknown user' });
    }
    if (!account.active) {
      await this.throttle.recordFailure(store.loginAttempts, key, meta.ip, 'inactive');
      await this.auditor.record(store.audit, meta, { accountId: account.id, level: 'warn', module, message: 'Login refused: inactive account' });
      throw new GatehouseError('inactive_account');
    }
    if ((await store.stipulations.countOpen(account.id)) > 0) throw new GatehouseError('unsatisfied_stipulations');
    if (account.totpSecretSealed) {
      if (!attempt.totp) throw new GatehouseError('totp_missing');
      if (!(await this.totp.verifyAndConsume(store.accounts, account, attempt.totp))) {
        await this.throttle.recordFailure(store.loginAttempts, key, meta.ip, 'totp_failed');
        await this.auditor.record(store.audit, meta, { accountId: account.id, level: 'warn', module, message: 'TOTP Rejected' });
        throw new GatehouseError('totp_failed', { logDetail: 'wrong or replayed TOTP code' });
      }
    }
    await this.throttle.recordSuccess(store.loginAttempts, key);
    await this.auditor.record(store.audit, meta, { accountId: account.id, level: 'info', module, message: 'Login Successful' });
    return account;
  }

  /** By email first when it looks like one, then by username (simple-auth's order). */
  private async find(identifier: string): Promise<Account | undefined> {
    if (!identifier.trim()) return undefined;
    if (identifier.includes('@')) {
      const byEmail = await this.store.accounts.findByEmail(normalizeEmail(identifier));
      if (byEmail) return byEmail;
    }
    return this.store.accounts.findByUsername(normalizeUsername(identifier));
  }
}
