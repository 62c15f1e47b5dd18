/**
 * How often work is re-run after a deadlock or a Galera certification failure, and how long to
 * wait in between. Galera aborts the later of two transactions that wrote the same row on
 * different nodes at commit time (error 1213); nothing of it was applied, so the whole unit of work
 * is run again. The waits grow 10-20, 20-40, 40-80, 80-160 ms, then 160-200 ms (about 1.1 s in
 * all): randomised, so the losers of one collision do not collide again in lockstep, and short,
 * because the winner has already committed. Eight, not four: a burst of sign-ins from one address
 * through three nodes (one guess-budget row for that address) ran four out twice in 120 (CI).
 */
export const MAX_CONFLICT_RETRIES = 8;
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
