/**
 * How often work is re-run after a deadlock or a Galera certification failure, and how long to
 * wait in between. Galera aborts the later of two transactions that wrote the same row on
 * different nodes at commit time (error 1213); nothing of it was applied, so the whole unit of work
 * is run again. The waits grow 10-20, 20-40, 40-80, 80-160 ms: randomised, so the losers of one
 * collision do not collide again in lockstep, and short, because the winner has already committed.
 */
export const MAX_CONFLICT_RETRIES = 4;
export const CONFLICT_BACKOFF = { minTimeout: 10, factor: 2, maxTimeout: 200, randomize: true } as const;

/** Process-wide counts, for tests and the metrics endpoint. */
export interface ConflictRetryCounts {
  /** whole transactions run again */
  transaction: number;
  /** single statements (repository calls outside a transaction) run again */
  statement: number;
  /** units of work that still conflicted after every retry (answered 503) */
  exhausted: number;
}

const counts: ConflictRetryCounts = { transaction: 0, statement: 0, exhausted: 0 };

export function countRetry(kind: keyof ConflictRetryCounts): void {
  counts[kind]++;
}

/** A snapshot of the counts since the process started. */
export function conflictRetryCounts(): ConflictRetryCounts {
  return { ...counts };
}
