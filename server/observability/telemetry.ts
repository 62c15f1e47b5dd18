import { Counter, type Registry } from 'prom-client';
import type { Telemetry } from '../../core/telemetry.js';

/** A label value the core passes must be a short code; anything else (a bug passing user input) is counted as `other`. */
const CODE = /^[A-Za-z0-9_.:-]{1,48}$/;
const bounded = (value: string): string => (CODE.test(value) ? value : 'other');

/** The core's Telemetry as Prometheus counters in the runtime's registry. */
export function prometheusTelemetry(registry: Registry): Telemetry {
  const logins = new Counter({
    name: 'gatehouse_login_outcomes_total',
    help: 'Logins by face and how they ended (outcome), with the refusal reason (none when not refused).',
    labelNames: ['face', 'outcome', 'reason'],
    registers: [registry],
  });
  const budgets = new Counter({
    name: 'gatehouse_guess_budget_total',
    help: 'Guess-budget reservations made before a secret check (reserved) and refused because the budget was spent (exhausted), by budget kind.',
    labelNames: ['kind', 'outcome'],
    registers: [registry],
  });
  return {
    loginOutcome(face, outcome, reason) {
      logins.inc({ face: bounded(face), outcome: bounded(outcome), reason: reason === undefined ? 'none' : bounded(reason) });
    },
    guessBudget(kind, outcome) {
      budgets.inc({ kind: bounded(kind), outcome });
    },
  };
}
