import type { Clock } from '../clock.js';
import { GatehouseError } from '../errors.js';
import type { LoginAttemptRepository } from './ports.js';

export interface ThrottleLimits {
  maxFailuresPerUser: number;
  maxFailuresPerIp: number;
  windowSeconds: number;
}

/**
 * Brute-force defence shared by every instance: failures are rows in the database, counted per
 * username and per client address over a sliding window. The client address is the socket's
 * (or the trusted proxy's view of it), never a client-supplied X-Forwarded-For.
 */
export class LoginThrottle {
  constructor(
    private readonly clock: Clock,
    private readonly limits: ThrottleLimits,
    private readonly repo: LoginAttemptRepository,
  ) {}

  /** Throws `throttled` with Retry-After when either counter is over its limit. */
  async check(username: string, ip: string | null): Promise<void> {
    const refusal = await this.refusal(username, ip);
    if (refusal) throw new GatehouseError('throttled', { retryAfterSeconds: refusal.retryAfterSeconds, logDetail: refusal.detail });
  }

  /** Why the next attempt is refused (either counter over its limit), or undefined. */
  async refusal(username: string, ip: string | null): Promise<{ detail: string; retryAfterSeconds: number } | undefined> {
    const now = this.clock.now();
    const since = new Date(now.getTime() - this.limits.windowSeconds * 1000);
    const checks: [scope: 'user' | 'ip', key: string, limit: number][] = [['user', username, this.limits.maxFailuresPerUser]];
    if (ip) checks.push(['ip', ip, this.limits.maxFailuresPerIp]);
    for (const [scope, key, limit] of checks) {
      const { count, oldest } = await this.repo.failuresSince(scope, key, since);
      if (count >= limit) {
        // The window slides: the lock lifts when the oldest counted failure leaves it.
        const freeAt = (oldest?.getTime() ?? now.getTime()) + this.limits.windowSeconds * 1000;
        const retryAfterSeconds = Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000));
        return { retryAfterSeconds, detail: `${scope} ${key}: ${count} failures in window` };
      }
    }
    return undefined;
  }

  async recordFailure(username: string, ip: string | null, reason: string): Promise<void> {
    const at = this.clock.now();
    await this.repo.record({ scope: 'user', key: username, success: false, reason, at });
    if (ip) await this.repo.record({ scope: 'ip', key: ip, success: false, reason, at });
  }

  async recordSuccess(username: string): Promise<void> {
    await this.repo.clearFailures('user', username);
    await this.repo.record({ scope: 'user', key: username, success: true, reason: 'ok', at: this.clock.now() });
  }

  /** Forgets the failures counted against a username (the owner proved the mailbox by resetting). */
  async forgive(username: string): Promise<void> {
    await this.repo.clearFailures('user', username);
  }
}
