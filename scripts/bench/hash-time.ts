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
 * How many hashes the server runs at once: its hashing pool (GATEHOUSE_HASHING_CONCURRENCY, by
 * default the cores − 1, at least 1). `--hash-pool` sets it for the servers under test.
 */
export function hashPoolSize(override: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  return override ?? (Number(env.GATEHOUSE_HASHING_CONCURRENCY) || Math.max(1, availableParallelism() - 1));
}
