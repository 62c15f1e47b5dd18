import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { RateLimitRepository } from '../../core/kernel/ports.js';

/**
 * One appended row per request, counted per window. Parallel requests from one address through
 * different instances and Galera nodes insert distinct keys, so they never conflict (a counter row
 * per window was written by all of them). The count read after the insert includes every request
 * committed before it, so no more than the limit pass; under a burst at the limit a few more may
 * be refused than strictly needed.
 */
export class KnexRateLimitRepository implements RateLimitRepository {
  constructor(private readonly db: Knex) {}

  async hit(bucket: string, windowStart: Date): Promise<number> {
    await this.db('rate_limit_hits').insert({ bucket, window_start: windowStart, hit_id: randomBytes(8).toString('hex') });
    const row = await this.db('rate_limit_hits').where({ bucket, window_start: windowStart }).count({ hits: '*' }).first();
    return Number(row?.hits ?? 0);
  }

  async prune(before: Date): Promise<void> {
    await this.db('rate_limit_hits').where('window_start', '<', before).delete();
  }
}
