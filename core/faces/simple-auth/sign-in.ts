import type { RequestMeta } from '../../kernel/audit.js';
import { ERROR_CATALOG, GatehouseError } from '../../errors.js';
import { refusalError, type LoginAttempt, type LoginOutcome, type LoginService } from '../../kernel/login.js';
import type { Account } from '../../kernel/model.js';
import type { SessionService } from '../../kernel/sessions.js';
import { SIMPLE_AUTH_SESSION } from './account.js';

const MODULE = 'auth:simple';

/** simple-auth's answer to anything but a sign-in: the documented reason codes of /auth/session. */
function refusal(outcome: Exclude<LoginOutcome, { kind: 'signed-in' }>): GatehouseError {
  return outcome.kind === 'second-factor-required' ? new GatehouseError('totp_missing', { logDetail: 'second factor required' }) : refusalError(outcome);
}

/** simple-auth's password logins: the cookie session, and the /auth/simple check for other services. */
export class SimpleAuthSignIn {
  constructor(
    private readonly login: LoginService,
    private readonly sessions: SessionService,
  ) {}

  /**
   * POST /auth/session. A new session id at every login, and the browser's previous session (if
   * any) ends: no session fixation (OWASP ASVS V3.2.1).
   */
  async signIn(credentials: LoginAttempt, previousSession: string | undefined, meta: RequestMeta): Promise<{ token: string }> {
    const outcome = await this.login.attempt(credentials, { module: MODULE, meta });
    if (outcome.kind !== 'signed-in') throw refusal(outcome);
    if (previousSession) await this.sessions.end(previousSession);
    return this.sessions.start(outcome.account, SIMPLE_AUTH_SESSION, 'login', meta);
  }

  /**
   * POST /auth/simple: the same check, no session. The document answers a failed login with 403
   * here (not 401 as on /auth/session), naming the reason; throttling stays a 429.
   */
  async verify(credentials: LoginAttempt, meta: RequestMeta): Promise<Account> {
    const outcome = await this.login.attempt(credentials, { module: MODULE, meta });
    if (outcome.kind === 'signed-in') return outcome.account;
    const error = refusal(outcome);
    if (error.code === 'throttled') throw error;
    throw new GatehouseError('forbidden', { reason: error.code.replace(/_/g, '-'), message: ERROR_CATALOG[error.code], logDetail: error.logDetail });
  }
}
