import type { RequestMeta } from '../../kernel/audit.js';
import { GatehouseError } from '../../errors.js';
import type { Kernel } from '../../kernel/index.js';
import type { Account } from '../../kernel/model.js';
import type { SimpleAuthSettings } from './settings.js';

const MODULE = 'auth:simple';

/** /local/2fa: a fresh secret, its QR code, enrolment proven by a code, and disabling. */
export class SimpleAuthTwoFactor {
  constructor(
    private readonly kernel: Kernel,
    private readonly settings: SimpleAuthSettings,
  ) {}

  /** Nothing is stored yet: the secret becomes the account's only when a code for it is shown. */
  newSecret(): string {
    this.assertAllowed();
    return this.kernel.totp.newSecret();
  }

  qrPng(account: Account, rawSecret: string): Promise<Buffer> {
    this.assertAllowed();
    const secret = rawSecret.trim().toUpperCase();
    if (!secret) throw new GatehouseError('bad_request', { reason: 'missing-secret', message: 'missing secret' });
    return this.kernel.totp.qrPng(this.checkedSecret(secret), account.email ?? account.username);
  }

  async enrol(account: Account, rawSecret: string, code: string, meta: RequestMeta): Promise<void> {
    this.assertAllowed();
    await this.kernel.twoFactor.enrol(account, this.checkedSecret(rawSecret.trim().toUpperCase()), code.trim(), meta, MODULE);
  }

  async disable(account: Account, code: string, meta: RequestMeta): Promise<void> {
    this.assertAllowed();
    await this.kernel.twoFactor.disable(account, code.trim(), meta, MODULE);
  }

  private assertAllowed(): void {
    if (!this.settings.twoFactorEnabled) throw new GatehouseError('not_found', { reason: 'twofactor-disabled', message: 'two-factor authentication is disabled' });
  }

  private checkedSecret(secret: string): string {
    if (!this.kernel.totp.isValidSecret(secret)) throw new GatehouseError('bad_request', { reason: 'invalid-secret', message: 'secret is not base32' });
    return secret;
  }
}
