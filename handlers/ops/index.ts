import type { OpsRules } from '../../core/faces/ops/index.js';
import type { OpsHandlers } from '../../generated/ops/handlers.gen.js';
import type { HandlerContext } from '../context.js';

/** Probe answers must never be served from a cache: a stale "ready" keeps traffic flowing to a dead instance. */
const NO_STORE = { 'Cache-Control': 'no-store' };

/**
 * The probes. Liveness asks nothing of the store (an outage must not make an orchestrator restart
 * every instance); readiness asks the rules.
 */
export const opsHandlers = {
  async getLiveness() {
    return { status: 200, headers: NO_STORE, body: { status: 'ok' } };
  },

  async getReadiness({ ctx }) {
    const reason = await ctx.rules.notReady();
    if (reason === 'draining') return { status: 503, headers: NO_STORE, body: { status: 'unavailable', reason } };
    if (reason) return { status: 503, headers: { ...NO_STORE, 'Retry-After': '5' }, body: { status: 'unavailable', reason } };
    return { status: 200, headers: NO_STORE, body: { status: 'ready' } };
  },
} satisfies OpsHandlers<HandlerContext<OpsRules>>;
