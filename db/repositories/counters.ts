import { randomInt } from 'node:crypto';
import type { Knex } from 'knex';
import type { CounterRepository } from '../../core/faces/platform/ports.js';

/** Rows per counter; more shards, fewer collisions between instances, a few more rows to sum. */
export const COUNTER_SHARDS = 16;

/**
 * Shared counters as rows per (name, shard): an increment adds to a random shard in one upsert, a
 * read sums the shards. Two instances counting at once (through different Galera nodes) write the
 * same row only when they pick the same shard, and that rare conflict is retried by the store.
 */
export class KnexCounterRepository implements CounterRepository {
  constructor(private readonly db: Knex) {}

  async increment(name: string, by = 1): Promise<void> {
    await this.db('counter_shards')
      .insert({ name, shard: randomInt(COUNTER_SHARDS), value: by })
      .onConflict(['name', 'shard'])
      .merge({ value: this.db.raw('?? + ?', ['counter_shards.value', by]) });
  }

  async read(names: readonly string[]): Promise<Record<string, number>> {
    const rows: { name: string; value: string | number | null }[] = await this.db('counter_shards')
      .whereIn('name', [...names])
      .groupBy('name')
      .select('name')
      .sum({ value: 'value' });
    const values: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
    for (const row of rows) values[row.name] = Number(row.value ?? 0);
    return values;
  }
}
