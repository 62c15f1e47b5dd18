/**
 * What the identity rules report for operators to count, without knowing how it is counted: the
 * core stays framework-free (no metrics library here), and `server/observability/` implements this
 * with Prometheus counters. Label values must come from small fixed sets (face names, outcome and
 * reason codes): never a username, address or token, which would also make the series unbounded.
 */
export interface Telemetry {
  /** a login ended: `outcome` such as `signed-in`, `second-factor-required`, `refused`; `reason` why it was refused */
  loginOutcome(face: string, outcome: string, reason?: string): void;
  /** a guess budget (per account, per address…) was reserved before a secret check, or was found spent */
  guessBudget(kind: string, outcome: 'reserved' | 'exhausted'): void;
}

/** For tests and tools that count nothing. */
export const NO_TELEMETRY: Telemetry = {
  loginOutcome: () => undefined,
  guessBudget: () => undefined,
};
