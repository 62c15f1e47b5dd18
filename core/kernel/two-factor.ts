import type { Clock } from '../clock.js';
import { GatehouseError } from '../errors.js';
import type { AuditTrail, RequestMeta } from './audit.js';
import type { GuessBudget } from './guess-budget.js';
import type { Account } from './model.js';
import type { KernelStore } from './ports.js';
import type { TotpService } from './totp.js';

/**
 * An account's TOTP second factor: enrolment proves the secret with a code, and that code's time
 * step is spent at once (it cannot be replayed to sign in); disabling takes a current code.
 */
export class TwoFactorService {
  constructor(
    private readonly store: KernelStore,
    private readonly clock: Clock,
    private readonly totp: TotpService,
    private readonly audit: AuditTrail,
    private readonly guesses: GuessBudget,
  ) {}

  async enrol(account: Account, secret: string, code: string, meta: RequestMeta, module: string): Promise<void> {
    const step = await this.totp.matchStep(secret, code);
    if (step === undefined) throw new GatehouseError('bad_request', { reason: 'totp-failed', message: 'totp-failed' });
    await this.store.transaction(async (tx) => {
      await tx.accounts.setTotpSecret(account.id, this.totp.seal(account, secret), this.clock.now());
      await tx.accounts.claimTotpStep(account.id, step);
      await this.audit.within(tx.audit).record(meta, { accountId: account.id, level: 'info', module, message: 'Activated TOTP' });
    });
  }

  async disable(account: Account, code: string, meta: RequestMeta, module: string): Promise<void> {
    if (!account.totpSecretSealed) throw new GatehouseError('totp_disabled');
    // A session alone must not be able to try every code until the second factor is gone.
    const guess = await this.guesses.reserveOrThrow({ account: account.id }, meta.ip);
    if (!(await this.verify(account, code))) {
      await guess.failed('totp_failed');
      throw new GatehouseError('totp_failed');
    }
    await guess.succeeded();
    await this.store.accounts.setTotpSecret(account.id, null, this.clock.now());
    await this.audit.record(meta, { accountId: account.id, level: 'info', module, message: 'Disabled TOTP' });
  }

  /** Checks an enrolled account's code and spends its time step: a replay fails like a wrong code. */
  verify(account: Account, code: string): Promise<boolean> {
    return this.totp.verifyAndConsume(this.store.accounts, account, code);
  }
}
