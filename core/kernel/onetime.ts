import type { Auditor, RequestMeta } from './audit.js';
import { addSeconds, type Clock } from '../clock.js';
import { randomToken, sha256Hex } from '../crypto.js';
import { GatehouseError } from '../errors.js';
import type { GuessBudget } from './guess-budget.js';
import type { Account, MailMessage } from './model.js';
import type { KernelStore } from './ports.js';
import { normalizeEmail } from './rules.js';

export interface OneTimeSettings {
  tokenSeconds: number;
  publicUrl: string;
}

/** One-time login links: 256-bit tokens, stored hashed, consumed by one conditional UPDATE. */
export class OneTimeLoginService {
  constructor(
    private readonly store: KernelStore,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
    private readonly settings: OneTimeSettings,
    private readonly guesses: GuessBudget,
  ) {}

  /**
   * Issues a link for the account with this email. Returns the mail to send, or nothing when no
   * active account has the email; the caller answers the same either way (no enumeration).
   */
  async issueForEmail(email: string, meta: RequestMeta): Promise<MailMessage | undefined> {
    const account = await this.store.accounts.findByEmail(normalizeEmail(email));
    if (!account?.active || !account.email) return undefined;
    const { token, expiresAt } = await this.issue(account, meta);
    const link = `${this.settings.publicUrl}/api/v1/auth/onetime?token=${encodeURIComponent(token)}`;
    return {
      to: account.email,
      subject: 'Your sign-in link',
      expiresAt,
      text: `Use this link to sign in. It works once and expires in ${Math.round(this.settings.tokenSeconds / 60)} minutes:\n\n${link}\n\nIf you did not ask for it, ignore this message.`,
    };
  }

  async issue(account: Account, meta: RequestMeta): Promise<{ token: string; expiresAt: Date }> {
    const token = randomToken(32);
    const now = this.clock.now();
    const expiresAt = addSeconds(now, this.settings.tokenSeconds);
    await this.store.oneTimeTokens.insert({ purpose: 'onetime-login', tokenHash: sha256Hex(token), accountId: account.id, expiresAt, at: now });
    await this.auditor.record(this.store.audit, meta, {
      accountId: account.id,
      level: 'info',
      module: 'auth:onetime',
      message: `One time token issued for account, expires in ${this.settings.tokenSeconds}s`,
    });
    return { token, expiresAt };
  }

  /** Consumes a link token and returns its account; unknown, used and expired tokens fail. */
  async redeem(token: string, meta: RequestMeta): Promise<Account> {
    const guess = await this.guesses.reserveAddressOrThrow(meta.ip);
    const found = await this.store.oneTimeTokens.findByHash('onetime-login', sha256Hex(token));
    if (!found) {
      await guess.failed('unknown_onetime_token');
      throw new GatehouseError('invalid_token', { logDetail: 'unknown one-time token' });
    }
    await guess.succeeded();
    const now = this.clock.now();
    if (found.expiresAt <= now) throw new GatehouseError('expired_token');
    if (!(await this.store.oneTimeTokens.consume(found.id, now))) throw new GatehouseError('invalid_token', { logDetail: 'one-time token already used' });
    const account = await this.store.accounts.findById(found.accountId);
    if (!account?.active) throw new GatehouseError('inactive_account');
    await this.auditor.record(this.store.audit, meta, { accountId: account.id, level: 'info', module: 'auth:onetime', message: 'One time token consumed for login' });
    return account;
  }
}
