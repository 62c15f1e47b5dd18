import { generateSecret, generateURI, verify } from 'otplib';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto.js';
import { GatehouseError } from '../errors.js';
import type { Account } from './model.js';
import type { AccountRepository } from './ports.js';

export interface TotpSettings {
  issuer: string;
  /** accepted 30-second steps on each side of the current one */
  drift: number;
}

const PERIOD_SECONDS = 30;

/**
 * RFC 6238 TOTP (SHA-1, 6 digits, 30 s) through otplib. Seeds are sealed with the master key; the
 * accepted time step is claimed in the database so a code works once, on any instance.
 */
export class TotpService {
  constructor(
    private readonly clock: Clock,
    private readonly box: SecretBox,
    private readonly settings: TotpSettings,
  ) {}

  /** A fresh base32 seed (160 bits, RFC 4226 §4's recommended length). */
  newSecret(): string {
    return generateSecret({ length: 20 });
  }

  isValidSecret(secret: string): boolean {
    return /^[A-Z2-7]{16,128}=*$/.test(secret);
  }

  uri(secret: string, label: string): string {
    // otplib leaves out values equal to the Key Uri Format's defaults; the contract promises them,
    // and some authenticator apps mis-read a URI without them, so name them always.
    return `${generateURI({ issuer: this.settings.issuer, label, secret })}&algorithm=SHA1&digits=6&period=${PERIOD_SECONDS}`;
  }

  async qrPng(secret: string, label: string): Promise<Buffer> {
    // qrcode (~11 MB resident once loaded) only for the enrolments that ask for the picture.
    const { default: QRCode } = await import('qrcode');
    return QRCode.toBuffer(this.uri(secret, label), { type: 'png', width: 256, errorCorrectionLevel: 'M', margin: 2 });
  }

  seal(account: Account, secret: string): string {
    return this.box.seal(secret, `totp:${account.uuid}`);
  }

  secretOf(account: Account): string | undefined {
    return account.totpSecretSealed ? this.box.open(account.totpSecretSealed, `totp:${account.uuid}`) : undefined;
  }

  /** The time step `code` belongs to, or undefined when it matches no accepted step. */
  async matchStep(secret: string, code: string): Promise<number | undefined> {
    if (!/^\d{6}$/.test(code)) return undefined;
    const result = await verify({
      secret,
      token: code,
      epoch: Math.floor(this.clock.now().getTime() / 1000),
      epochTolerance: this.settings.drift * PERIOD_SECONDS,
    });
    // otplib's functional verify types TOTP and HOTP results together; only TOTP has timeStep.
    return result.valid && 'timeStep' in result ? result.timeStep : undefined;
  }

  /**
   * Verifies an enrolled account's code and consumes its time step. A replayed code (same or
   * earlier step than the last accepted one) fails like a wrong code.
   */
  async verifyAndConsume(accounts: AccountRepository, account: Account, code: string): Promise<boolean> {
    const secret = this.secretOf(account);
    if (!secret) throw new GatehouseError('totp_disabled');
    const step = await this.matchStep(secret, code);
    if (step === undefined) return false;
    return accounts.claimTotpStep(account.id, step);
  }
}
