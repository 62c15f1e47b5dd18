import type { RequestMeta } from '../../kernel/audit.js';
import { addSeconds } from '../../clock.js';
import { constantTimeEqual, randomDigits, randomToken, sha256Hex } from '../../crypto.js';
import type { Account, MailMessage } from '../../kernel/model.js';
import type { Kernel } from '../../kernel/index.js';
import { portalErrors } from './errors.js';
import type { LoginSession, LoginSessionKind, Organization, PortalRepository } from './ports.js';

/** Login sessions and their codes live 10 minutes (openapi/portal.yaml). */
export const LOGIN_SESSION_SECONDS = 600;
/** A 6-digit code allows 5 wrong guesses: 5 in 10^6, then it is burnt. */
export const MAX_CODE_ATTEMPTS = 5;

export interface StartedLoginSession {
  loginSessionId: string;
  /** mail to send once the answer is decided (none for a decoy) */
  mail: MailMessage | undefined;
}

export interface StartRequest {
  account: Account | undefined;
  email: string;
  organization: Organization | null;
  kind: LoginSessionKind;
  clientId?: string | null | undefined;
}

/**
 * Pending sign-ins: a 256-bit login_session_id and a 6-digit code, both stored only as SHA-256.
 * An unknown email gets a decoy session (no account, no code, no mail) that answers exactly like
 * a real one, so neither the answer nor its timing enumerates accounts.
 */
export class LoginSessionStore {
  constructor(
    private readonly kernel: Kernel,
    private readonly portal: PortalRepository,
    private readonly publicUrl: string,
  ) {}

  async start(request: StartRequest, meta: RequestMeta): Promise<StartedLoginSession> {
    const { account } = request;
    const loginSessionId = randomToken(32);
    const code = randomDigits(6);
    const now = this.kernel.clock.now();
    // A new code voids the earlier ones: only the latest mail works. Keyed by the email, and
    // audited either way, so a known and an unknown address cost the same statements (no timing
    // oracle for account existence).
    await this.portal.expireLoginSessions(request.email, now);
    await this.portal.insertLoginSession({
      sessionHash: sha256Hex(loginSessionId),
      accountId: account?.id ?? null,
      email: request.email,
      organizationId: request.organization?.id ?? null,
      kind: request.kind,
      clientId: request.clientId ?? null,
      codeHash: account ? sha256Hex(code) : null,
      at: now,
      expiresAt: addSeconds(now, LOGIN_SESSION_SECONDS),
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    // A password sign-in's second step was audited by the login itself (one row per attempt).
    const why = `Magic code requested${request.clientId ? ` for ${request.clientId}` : ''}`;
    if (request.kind === 'magic-code') await this.kernel.audit.record(meta, { accountId: account?.id ?? null, level: account ? 'info' : 'warn', module: 'auth:portal', message: account ? why : `${why}: no active account (decoy)` });
    if (!account?.email) return { loginSessionId, mail: undefined };
    return { loginSessionId, mail: this.codeMail(account.email, code, loginSessionId, meta) };
  }

  find(loginSessionId: string): Promise<LoginSession | undefined> {
    return this.portal.findLoginSession(sha256Hex(loginSessionId));
  }

  /** The session a code is entered for: the named one, or the account's latest pending one. */
  async forVerification(account: Account, loginSessionId: string | null | undefined): Promise<LoginSession | undefined> {
    const now = this.kernel.clock.now();
    const session = loginSessionId ? await this.find(loginSessionId) : await this.portal.latestPendingLoginSession(account.id, now);
    const usable = session && session.accountId === account.id && session.status === 'pending' && session.expiresAt > now;
    return usable ? session : undefined;
  }

  /** Constant-time compare of the emailed code's hash (no timing oracle on the digits). */
  codeMatches(session: LoginSession, code: string): boolean {
    return session.codeHash !== null && constantTimeEqual(sha256Hex(code), session.codeHash);
  }

  async wrongCode(session: LoginSession): Promise<void> {
    await this.portal.recordWrongCode(session.id, MAX_CODE_ATTEMPTS);
  }

  /** Marks the session completed (and its code used); false when another request decided it first. */
  complete(session: LoginSession): Promise<boolean> {
    return this.portal.decide(session.id, 'completed', this.kernel.clock.now());
  }

  private codeMail(to: string, code: string, loginSessionId: string, meta: RequestMeta): MailMessage {
    const approve = `${this.publicUrl}/portal/approve?login_session_id=${encodeURIComponent(loginSessionId)}`;
    const from = meta.ip ? ` from ${meta.ip}` : '';
    return {
      to,
      subject: 'Your sign-in code',
      expiresAt: addSeconds(this.kernel.clock.now(), LOGIN_SESSION_SECONDS),
      text:
        `Your sign-in code is ${code}. It works once and expires in ${LOGIN_SESSION_SECONDS / 60} minutes.\n\n` +
        `Or approve the sign-in (started ${this.kernel.clock.now().toISOString()}${from}) from a device where you are signed in:\n${approve}\n\n` +
        'If you did not try to sign in, ignore this message and consider changing your password.',
    };
  }
}
