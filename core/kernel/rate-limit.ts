import type { Clock } from '../clock.js';
import { GatehouseError } from '../errors.js';
import type { RateLimitRepository } from './ports.js';

export interface RateLimitSettings {
  /** requests per window per bucket; 0 turns the limit off */
  limit: number;
  windowSeconds: number;
}

/**
 * Fixed-window request limits per client address, counted in the database so every instance
 * shares them. Answers 429 with Retry-After (RFC 6585 §4) until the window ends.
 */
export class RateLimiter {
  constructor(
    private readonly repo: () => RateLimitRepository,
    private readonly clock: Clock,
    private readonly settings: RateLimitSettings,
  ) {}

  async check(bucket: string): Promise<void> {
    if (this.settings.limit <= 0) return;
    const now = this.clock.now().getTime();
    const windowMs = this.settings.windowSeconds * 1000;
    const windowStart = new Date(Math.floor(now / windowMs) * windowMs);
    const hits = await this.repo().hit(bucket, windowStart);
    // The first request of a window clears windows that ended long ago, so the table stays small.
    if (hits === 1) await this.repo().prune(new Date(windowStart.getTime() - 10 * windowMs));
    if (hits > this.settings.limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now) / 1000));
      throw new GatehouseError('throttled', { message: 'rate limit exceeded', retryAfterSeconds, logDetail: `${bucket}: ${hits} requests in window` });
    }
  }
}

/**
 * Request counts kept in this instance's memory: no database write per request. For limits that
 * ration load rather than guard a secret (guesses have their own budgets in the database): with
 * N instances behind a balancer an address gets up to N × the limit.
 */
export class InstanceRateCounts implements RateLimitRepository {
  readonly #hits = new Map<string, { windowStart: number; count: number }>();

  async hit(bucket: string, windowStart: Date): Promise<number> {
    const start = windowStart.getTime();
    const current = this.#hits.get(bucket);
    if (!current || current.windowStart !== start) {
      this.#hits.set(bucket, { windowStart: start, count: 1 });
      return 1;
    }
    current.count += 1;
    return current.count;
  }

  async prune(before: Date): Promise<void> {
    for (const [bucket, window] of this.#hits) if (window.windowStart < before.getTime()) this.#hits.delete(bucket);
  }
}
