import type { RequestMeta } from '../../kernel/audit.js';
import type { Kernel } from '../../kernel/index.js';
import { portalErrors } from './errors.js';
import type { LoginSessionStore } from './login-sessions.js';
import { signInOrganization, type PortalCaller } from './organizations.js';
import type { PortalRepository } from './ports.js';
import type { PortalTokens } from './tokens.js';

export type Decision = 'approved' | 'rejected';

export interface LoginStatus {
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  access_token?: string;
  refresh_token?: string;
  token_type?: 'bearer';
}

/** Polls of one login session closer than this are refused (429). */
const MIN_POLL_INTERVAL_MS = 2000;

/**
 * Push approval: a signed-in device of the same user approves or rejects a pending sign-in, and
 * the login screen collects its tokens by polling. The hand-out is a conditional UPDATE, so the
 * tokens leave exactly once even when polls race on several instances.
 */
export class ApprovalService {
  constructor(
    private readonly kernel: Kernel,
    private readonly portal: PortalRepository,
    private readonly sessions: LoginSessionStore,
    private readonly tokens: PortalTokens,
  ) {}

  async decide(caller: PortalCaller, loginSessionId: string, decision: Decision, meta: RequestMeta): Promise<void> {
    const { account } = caller;
    const session = await this.sessions.find(loginSessionId);
    if (!session || session.expiresAt <= this.kernel.clock.now()) throw portalErrors.loginSessionNotFound(session ? 'expired' : 'unknown');
    // The person behind an impersonation token is the admin: approving would mint the user an
    // ordinary session without the `act` claim (impersonation laundering).
    if (session.accountId !== account.id || caller.actor) throw portalErrors.loginSessionForbidden(caller.actor ? 'impersonation token' : 'another account');
    const decided = session.status === 'pending' && (await this.portal.decide(session.id, decision, this.kernel.clock.now()));
    if (!decided) {
      // A double tap is harmless; anything else lost to an earlier, different decision.
      const now = (await this.sessions.find(loginSessionId))?.status ?? session.status;
      if (now !== decision) throw portalErrors.loginSessionDecided(now);
      return;
    }
    const message = decision === 'approved' ? 'Sign-in approved from a signed-in device' : 'Sign-in rejected from a signed-in device';
    await this.kernel.audit.record(meta, { accountId: account.id, level: decision === 'approved' ? 'info' : 'alert', module: 'auth:portal', message });
  }

  /**
   * The state of a sign-in. An unknown session or another email answers `expired`, so the poll
   * is no oracle for sessions or emails.
   */
  async status(email: string, loginSessionId: string, meta: RequestMeta): Promise<LoginStatus> {
    const session = await this.sessions.find(loginSessionId);
    const now = this.kernel.clock.now();
    if (!session || session.email !== email.trim().toLowerCase()) return { status: 'expired' };
    if (!(await this.portal.notePoll(session.id, now, MIN_POLL_INTERVAL_MS))) throw portalErrors.pollingTooFast();
    if (session.expiresAt <= now) return { status: 'expired' };
    if (session.status === 'rejected') return { status: 'rejected' };
    if (session.status === 'pending') return { status: 'pending' };
    if (session.status === 'completed' || session.accountId === null || !(await this.portal.handOut(session.id, now))) return { status: 'approved' };
    const account = await this.kernel.accounts.byId(session.accountId);
    if (!account?.active) return { status: 'expired' };
    const organization = await signInOrganization(this.kernel.directory, account.id, session.organizationId);
    const token = await this.tokens.issue(account, { organization }, meta);
    await this.kernel.audit.record(meta, { accountId: account.id, level: 'info', module: 'auth:portal', message: 'Login Successful (approved sign-in)' });
    return { status: 'approved', ...token };
  }
}
