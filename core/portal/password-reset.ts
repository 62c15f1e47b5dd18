import type { Auditor, RequestMeta } from '../audit.js';
import { addSeconds, type Clock } from '../clock.js';
import { randomToken, sha256Hex } from '../crypto.js';
import { GatehouseError } from '../errors.js';
import type { MailMessage } from '../model.js';
import type { PasswordHasher } from '../passwords.js';
import type { Store } from '../ports.js';
import type { RateLimiter } from '../rate-limit.js';
import { normalizeEmail } from '../rules.js';
import { signOutEverywhere } from '../sessions.js';
import { portalErrors } from './errors.js';
import { memberOfPortal, signInOrganization } from './organizations.js';
import type { PortalCode } from './ports.js';

export const RESET_SECONDS = 3600;
export const FORGOT_DETAIL = 'If the address belongs to an account, a password reset link has been sent to it.';
const MIN_PASSWORD_CHARS = 8;
/**
 * `portal_id` of a link issued for an account in no organization: the reset-callback operation
 * requires the parameter (seed 004), so "no portal" is named by the nil UUID (RFC 9562 §5.9).
 */
export const NO_PORTAL_ID = '00000000-0000-0000-0000-000000000000';

export interface ResetDeps {
  store: Store;
  clock: Clock;
  auditor: Auditor;
  passwords: PasswordHasher;
  mailLimit: RateLimiter;
  publicUrl: string;
}

/** Password reset by emailed link: 256-bit token, SHA-256 at rest, 1 hour, one use, one portal. */
export class PasswordResetService {
  constructor(private readonly deps: ResetDeps) {}

  /** The mail to send, or none; the caller answers the same either way (no enumeration). */
  async forgot(rawEmail: string, portalId: string | null | undefined, meta: RequestMeta): Promise<MailMessage | undefined> {
    const { store, clock } = this.deps;
    const email = normalizeEmail(rawEmail);
    await this.deps.mailLimit.check(`portal-mail:${email}`);
    const account = await store.accounts.findByEmail(email);
    const portal = portalId ? await store.portal.organizationByUuid(portalId) : null;
    if (!account?.active || !account.email || portal === undefined || !(await memberOfPortal(store, account.id, portal))) return undefined;
    const organization = portal ?? (await signInOrganization(store, account.id, null));
    const token = randomToken(32);
    const now = clock.now();
    await store.portal.expireCodes(account.id, 'password-reset', now);
    await store.portal.insertCode({ purpose: 'password-reset', codeHash: sha256Hex(token), accountId: account.id, organizationId: organization?.id ?? null, actorAccountId: null, at: now, expiresAt: addSeconds(now, RESET_SECONDS) });
    await this.deps.auditor.record(store.audit, meta, { accountId: account.id, level: 'info', module: 'auth:portal', message: 'Password reset link issued' });
    const query = `token=${encodeURIComponent(token)}&portal_id=${organization?.uuid ?? NO_PORTAL_ID}`;
    return { to: account.email, subject: 'Reset your password', text: `Use this link to choose a new password. It works once and expires in 1 hour:\n\n${this.deps.publicUrl}/reset-password?${query}\n\nIf you did not ask for it, ignore this message.` };
  }

  /** Checks a token without consuming it; reveals only whether it is usable and until when. */
  async check(token: string, portalId: string): Promise<{ valid: boolean; expires_at: string | null }> {
    const found = await this.usable(token, portalId);
    return found ? { valid: true, expires_at: found.expiresAt.toISOString() } : { valid: false, expires_at: null };
  }

  /**
   * Token first, then the password rules (a rule failure leaves the token usable), then one
   * transaction: consume, set the hash, and end every session, grant, login session and code.
   */
  async reset(token: string, password: string, portalId: string | null | undefined, meta: RequestMeta): Promise<void> {
    const found = await this.usable(token, portalId ?? undefined);
    if (!found) throw portalErrors.invalidResetToken('unknown, used, expired or other portal');
    if ([...password].length < MIN_PASSWORD_CHARS) throw new GatehouseError('bad_request', { message: 'Password must be at least 8 characters' });
    if (Buffer.byteLength(password, 'utf8') > 72) throw new GatehouseError('bad_request', { message: 'Password must be at most 72 bytes' });
    const hash = await this.deps.passwords.hash(password);
    const { auditor, clock } = this.deps;
    const account = await this.deps.store.transaction(async (tx) => {
      const now = clock.now();
      if (!(await tx.portal.consumeCode(found.id, now))) throw portalErrors.invalidResetToken('reset token used concurrently');
      const owner = await tx.accounts.findById(found.accountId);
      if (!owner?.active) throw portalErrors.invalidResetToken('account inactive');
      await tx.accounts.setPassword(owner.id, hash, now);
      await signOutEverywhere(tx, owner.id, now);
      await tx.portal.expireLoginSessions(owner.id, now);
      await tx.portal.expireCodes(owner.id, 'password-reset', now);
      await tx.portal.expireCodes(owner.id, 'cli-exchange', now);
      await auditor.record(tx.audit, meta, { accountId: owner.id, level: 'info', module: 'auth:portal', message: 'Password reset; every session revoked' });
      return owner;
    });
    // The lockout was earned by someone guessing the old password; the owner proved the mailbox.
    if (account.email) await this.deps.store.loginAttempts.clearFailures('user', account.email);
  }

  private async usable(token: string, portalId: string | undefined): Promise<PortalCode | undefined> {
    const { store, clock } = this.deps;
    const found = await store.portal.findCode('password-reset', sha256Hex(token));
    if (!found || found.usedAt || found.expiresAt <= clock.now()) return undefined;
    if (portalId === undefined) return found;
    const organization = found.organizationId === null ? undefined : await store.portal.organizationById(found.organizationId);
    return (found.organizationId === null ? NO_PORTAL_ID : organization?.uuid) === portalId ? found : undefined;
  }
}
