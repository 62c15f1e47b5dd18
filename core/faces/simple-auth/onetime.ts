import type { RequestMeta } from '../../kernel/audit.js';
import { GatehouseError } from '../../errors.js';
import type { Kernel } from '../../kernel/index.js';
import { SIMPLE_AUTH_SESSION } from './account.js';
import type { SimpleAuthSettings } from './settings.js';

const LINK_JOB = 'simple-auth.onetime-link';

/** One-time login links: mailed on request, redeemed once for a session. */
export class SimpleAuthOneTime {
  constructor(
    private readonly kernel: Kernel,
    private readonly settings: SimpleAuthSettings,
  ) {
    // After the answer: the account lookup, the token and the mail (see DeferredWork).
    kernel.deferred.register(LINK_JOB, async (payload, meta) => {
      const mail = await kernel.onetime.issueForEmail(String(payload.email), meta);
      if (mail) await kernel.mail.dispatch([mail]);
    });
  }

  /** POST /auth/onetime: the same answer whether or not the address has an account. */
  async request(email: string, meta: RequestMeta): Promise<void> {
    const { onetime } = this.settings;
    if (!onetime.enabled || !onetime.allowForgotPassword) {
      throw new GatehouseError('feature_disabled', { reason: 'forgot-password-disabled', message: 'one-time login by email is disabled' });
    }
    // The same single insert for every address; the answer does not wait for the account lookup.
    await this.kernel.deferred.enqueue(LINK_JOB, { email }, meta);
  }

  /** GET /auth/onetime: the link's token for a new session (its source says how it began). */
  async redeem(rawToken: string, meta: RequestMeta): Promise<{ token: string }> {
    if (!this.settings.onetime.enabled) throw new GatehouseError('feature_disabled', { reason: 'onetime-disabled', message: 'one-time login is disabled' });
    const token = rawToken.trim();
    if (!token) throw new GatehouseError('bad_request', { message: 'missing token' });
    const account = await this.kernel.onetime.redeem(token, meta);
    return this.kernel.sessions.start(account, SIMPLE_AUTH_SESSION, 'onetime', meta);
  }
}
