import type { Knex } from 'knex';
import type { DeferredJob, DeferredJobRepository } from '../../core/kernel/ports.js';
import { toCount } from '../values.js';

export class KnexDeferredJobRepository implements DeferredJobRepository {
  constructor(private readonly db: Knex) {}

  async insert(kind: string, payload: string, at: Date): Promise<void> {
    await this.db('deferred_jobs').insert({ kind, payload, created_at: at, attempts: 0 });
  }

  async claim(now: Date, staleBefore: Date, claimId: string, maxAttempts: number): Promise<DeferredJob | undefined> {
    const claimable = (q: Knex.QueryBuilder) => q.where((w) => w.whereNull('claimed_at').orWhere('claimed_at', '<', staleBefore)).andWhere('attempts', '<', maxAttempts);
    // A few candidates: another worker may win the first one between the read and the update.
    const candidates = await claimable(this.db('deferred_jobs').select('id')).orderBy('id').limit(5);
    for (const { id } of candidates as { id: number }[]) {
      const won = await claimable(this.db('deferred_jobs').where('id', id)).update({ claimed_at: now, claim_id: claimId, attempts: this.db.raw('attempts + 1') });
      if (won !== 1) continue;
      const row = await this.db('deferred_jobs').where({ id, claim_id: claimId }).first('id', 'kind', 'payload', 'attempts');
      if (row) return { id: Number(row.id), kind: row.kind, payload: row.payload, attempts: Number(row.attempts) };
    }
    return undefined;
  }

  async remove(id: number): Promise<void> {
    await this.db('deferred_jobs').where({ id }).delete();
  }

  async pending(): Promise<number> {
    const row = await this.db('deferred_jobs').count({ n: '*' }).first();
    return toCount(row?.n);
  }
}
