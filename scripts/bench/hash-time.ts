import { availableParallelism } from 'node:os';
import { hash } from '@node-rs/bcrypt';

/**
 * Milliseconds one bcrypt hash takes at `cost` with the library Gatehouse uses, measured now (so
 * under the same load as the logins beside it): the median of `n` hashes in a row.
 */
export async function measureHashMs(cost: number, n = 3): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await hash(`bench-reference-password-${i}`, cost);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/**
 * How many hashes the server can run at once: libuv's thread pool (UV_THREADPOOL_SIZE, default 4)
 * runs them, and no more than the cores can be busy. `--hash-pool` overrides it (a product-side
 * hashing pool of another size).
 */
export function hashPoolSize(override: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  return override ?? Math.min(availableParallelism(), Number(env.UV_THREADPOOL_SIZE) || 4);
}
