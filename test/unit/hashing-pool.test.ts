import { describe, expect, it } from 'vitest';
import { isGatehouseError } from '../../core/errors.js';
import { HashingPool } from '../../core/kernel/hashing-pool.js';

/** A job the test finishes by hand. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('hashing pool', () => {
  it('runs at most `concurrency` hashes at once, in arrival order, and refuses past the queue with 429', async () => {
    const pool = new HashingPool({ concurrency: 2, queue: 3 }, 8);
    const gates = Array.from({ length: 5 }, gate);
    const started: number[] = [];
    const jobs = gates.map((g, i) => pool.run(async () => (started.push(i), await g.opened, i)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    expect(pool.load()).toEqual({ running: 2, waiting: 3 });
    const refused = await pool.run(async () => 'never').catch((error: unknown) => error);
    expect(isGatehouseError(refused) && refused.code === 'throttled' && refused.retryAfterSeconds === 1).toBe(true);
    gates[0]!.open();
    await jobs[0];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    for (const g of gates) g.open();
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3, 4]);
    expect(pool.load()).toEqual({ running: 0, waiting: 0 });
  });

  it('sizes itself to the cores − 1, at least one, and gives a slot back when a hash fails', async () => {
    expect(new HashingPool({ concurrency: 0, queue: 1 }, 2).size).toBe(1);
    expect(new HashingPool({ concurrency: 0, queue: 1 }, 1).size).toBe(1);
    expect(new HashingPool({ concurrency: 0, queue: 1 }, 8).size).toBe(7);
    const pool = new HashingPool({ concurrency: 1, queue: 0 }, 2);
    await expect(pool.run(async () => Promise.reject(new Error('bcrypt failed')))).rejects.toThrow('bcrypt failed');
    expect(await pool.run(async () => 'next')).toBe('next');
  });
});
