import type { RequestMeta } from '../../kernel/audit.js';
import { addSeconds } from '../../clock.js';
import { randomToken, sha256Hex } from '../../crypto.js';
import { GatehouseError } from '../../errors.js';
import type { Kernel } from '../../kernel/index.js';
import type { MailMessage } from '../../kernel/model.js';
import type { TxHandle } from '../../kernel/ports.js';
import type { RateLimiter } from '../../kernel/rate-limit.js';
import { normalizeEmail } from '../../kernel/rules.js';
import { portalErrors } from './errors.js';
import { memberOfPortal, signInOrganization } from './organizations.js';
import type { PortalCode, PortalRepository } from './ports.js';

export const RESET_SECONDS = 3600;
export const FORGOT_DETAIL = 'If the address belongs to an account, a password reset link has been sent to it.';
const MIN_PASSWORD_CHARS = 8;
/**
 * `portal_id` of a link issued for an account in no organization: the reset-callback operation
 * requires the parameter (seed 004), so "no portal" is named by the nil UUID (RFC 9562 §5.9).
 */
export const NO_PORTAL_ID = '00000000-0000-0000-0000-000000000000';

export interface ResetDeps {
  kernel: Kernel;
  portal: PortalRepository;
  /** the portal's store inside a unit of work the kernel started */
  within(tx: TxHandle): PortalRepository;
  mailLimit: RateLimiter;
  publicUrl: string;
}

/** Password reset by emailed link: 256-bit token, SHA-256 at rest, 1 hour, one use, one portal. */
const LINK_JOB = 'portal.reset-link';

export class PasswordResetService {
  constructor(private readonly deps: ResetDeps) {
    // After the answer: the account and membership lookups, the token and the mail (see DeferredWork).
    deps.kernel.deferred.register(LINK_JOB, async (payload, meta) => {
      const mail = await this.linkMail(String(payload.email), (payload.portalId as string | null) ?? null, meta);
      if (mail) await deps.kernel.mail.dispatch([mail]);
    });
  }

  /**
   * Mails a reset link when the address names a member. The caller's answer is the same either
   * way, and so is its timing: the per-email limit and one insert, then the answer.
   */
  async forgot(rawEmail: string, portalId: string | null | undefined, meta: RequestMeta): Promise<void> {
    const email = normalizeEmail(rawEmail);
    await this.deps.mailLimit.check(`portal-mail:${email}`);
    await this.deps.kernel.deferred.enqueue(LINK_JOB, { email, portalId: portalId ?? null }, meta);
  }

  private async linkMail(email: string, portalId: string | null, meta: RequestMeta): Promise<MailMessage | undefined> {
    const { kernel, portal: codes } = this.deps;
    const { directory } = kernel;
    const account = await kernel.accounts.byEmail(email);
    const portal = portalId ? await directory.organizationByUuid(portalId) : null;
    if (!account?.active || !account.email || portal === undefined || !(await memberOfPortal(directory, account.id, portal))) return undefined;
    const organization = portal ?? (await signInOrganization(directory, account.id, null));
    const token = randomToken(32);
    const now = kernel.clock.now();
    await codes.expireCodes(account.id, 'password-reset', now);
    await codes.insertCode({ purpose: 'password-reset', codeHash: sha256Hex(token), accountId: account.id, organizationId: organization?.id ?? null, actorAccountId: null, at: now, expiresAt: addSeconds(now, RESET_SECONDS) });
    await kernel.audit.record(meta, { accountId: account.id, level: 'info', module: 'auth:portal', message: 'Password reset link issued' });
    const query = `token=${encodeURIComponent(token)}&portal_id=${organization?.uuid ?? NO_PORTAL_ID}`;
    return { to: account.email, subject: 'Reset your password', expiresAt: addSeconds(now, RESET_SECONDS), text: `Use this link to choose a new password. It works once and expires in 1 hour:\n\n${this.deps.publicUrl}/reset-password?${query}\n\nIf you did not ask for it, ignore this message.` };
  }

  /** Checks a token without consuming it; reveals only whether it is usable and until when. */
  async check(token: string, portalId: string, meta: RequestMeta): Promise<{ valid: boolean; expiresAt: Date | null }> {
    const found = await this.guessed(token, portalId, meta);
    return found ? { valid: true, expiresAt: found.expiresAt } : { valid: false, expiresAt: null };
  }

  /**
   * Token first, then the password rules (a rule failure leaves the token usable), then one
   * transaction: consume, set the hash, and end every session, grant, login session and code.
   */
  async reset(token: string, password: string, portalId: string | null | undefined, meta: RequestMeta): Promise<void> {
    const { kernel } = this.deps;
    const found = await this.guessed(token, portalId ?? undefined, meta);
    if (!found) throw portalErrors.invalidResetToken('unknown, used, expired or other portal');
    if ([...password].length < MIN_PASSWORD_CHARS) throw new GatehouseError('bad_request', { message: 'Password must be at least 8 characters' });
    if (Buffer.byteLength(password, 'utf8') > 72) throw new GatehouseError('bad_request', { message: 'Password must be at most 72 bytes' });
    const prepared = await kernel.accounts.preparePassword(password);
    const account = await kernel.transaction(async (unit, tx) => {
      const codes = this.deps.within(tx);
      const now = kernel.clock.now();
      if (!(await codes.consumeCode(found.id, now))) throw portalErrors.invalidResetToken('reset token used concurrently');
      const owner = await unit.account(found.accountId);
      if (!owner?.active) throw portalErrors.invalidResetToken('account inactive');
      await unit.setPassword(owner, prepared);
      await unit.signOutEverywhere(owner);
      await codes.expireLoginSessions(owner.id, now);
      await codes.expireCodes(owner.id, 'password-reset', now);
      await codes.expireCodes(owner.id, 'cli-exchange', now);
      await unit.audit.record(meta, { accountId: owner.id, level: 'info', module: 'auth:portal', message: 'Password reset; every session revoked' });
      return owner;
    });
    // The lockout was earned by someone guessing the old password; the owner proved the mailbox.
    await kernel.guesses.release({ account: account.id });
  }

  /** A reset token is a 256-bit guess that names no account until found: the address's budget. */
  private async guessed(token: string, portalId: string | undefined, meta: RequestMeta): Promise<PortalCode | undefined> {
    const guess = await this.deps.kernel.guesses.reserveAddressOrThrow(meta.ip);
    const found = await this.usable(token, portalId);
    await (found ? guess.succeeded() : guess.failed('unusable_reset_token'));
    return found;
  }

  private async usable(token: string, portalId: string | undefined): Promise<PortalCode | undefined> {
    const { kernel, portal } = this.deps;
    const found = await portal.findCode('password-reset', sha256Hex(token));
    if (!found || found.usedAt || found.expiresAt <= kernel.clock.now()) return undefined;
    if (portalId === undefined) return found;
    const organization = found.organizationId === null ? undefined : await kernel.directory.organizationById(found.organizationId);
    return (found.organizationId === null ? NO_PORTAL_ID : organization?.uuid) === portalId ? found : undefined;
  }
}
