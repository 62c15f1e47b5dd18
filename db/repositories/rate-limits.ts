import type { Knex } from 'knex';
import type { RateLimitRepository } from '../../core/kernel/ports.js';

export class KnexRateLimitRepository implements RateLimitRepository {
  constructor(private readonly db: Knex) {}

  async hit(bucket: string, windowStart: Date): Promise<number> {
    const key = { bucket, window_start: windowStart };
    if ((await this.db('rate_limit_windows').where(key).increment('hits', 1)) === 0) {
      // First request of the window: create it (a concurrent creator wins harmlessly), then count.
      await this.db('rate_limit_windows').insert({ ...key, hits: 0 }).onConflict(['bucket', 'window_start']).ignore();
      await this.db('rate_limit_windows').where(key).increment('hits', 1);
    }
    const row = await this.db('rate_limit_windows').where(key).first('hits');
    return Number(row?.hits ?? 0);
  }

  async prune(before: Date): Promise<void> {
    await this.db('rate_limit_windows').where('window_start', '<', before).delete();
  }
}
