import type { RequestMeta } from '../../kernel/audit.js';
import { GatehouseError } from '../../errors.js';
import type { Kernel } from '../../kernel/index.js';
import type { LoginOutcome } from '../../kernel/login.js';
import type { SignedIn } from './bootstrap.js';

/**
 * Every refused login looks alike here (QuackStack's 403 `invalid username or password`); a
 * second factor is named only after the password was right, and the lockout keeps its Retry-After.
 */
function refusal(outcome: Exclude<LoginOutcome, { kind: 'signed-in' }>): GatehouseError {
  if (outcome.kind === 'second-factor-required') return new GatehouseError('forbidden', { message: 'two-factor authentication required', logDetail: 'second factor required' });
  if (outcome.reason === 'throttled') {
    return new GatehouseError('forbidden', { message: 'too many failed login attempts', logDetail: outcome.detail, ...(outcome.retryAfterSeconds ? { retryAfterSeconds: outcome.retryAfterSeconds } : {}) });
  }
  if (outcome.reason === 'second-factor-failed') return new GatehouseError('forbidden', { message: 'two-factor authentication required', logDetail: outcome.detail });
  return new GatehouseError('forbidden', { message: 'invalid username or password', logDetail: outcome.detail });
}

/** POST /auth/local/login: any account with a password gets a revocable bearer token. */
export class PlatformLocalLogin {
  constructor(private readonly kernel: Kernel) {}

  async signIn(username: string, password: string, meta: RequestMeta): Promise<SignedIn> {
    if (!username.trim() || !password) throw new GatehouseError('bad_request', { message: 'username and password are required' });
    const outcome = await this.kernel.login.attempt({ identifier: username, password }, { module: 'auth:platform', meta, succeeded: 'AUTH_LOCAL_LOGIN' });
    if (outcome.kind !== 'signed-in') throw refusal(outcome);
    const token = await this.kernel.tokens.issue('platform', outcome.account, meta);
    return { account: outcome.account, accessToken: token.accessToken, expiresIn: token.expiresIn };
  }
}
