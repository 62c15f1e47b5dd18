import type { OpsHandlers } from '../../generated/ops/handlers.gen.js';
import type { HandlerContext } from '../context.js';

/** What readiness depends on besides the store: the process is shutting down. */
export interface Lifecycle {
  readonly draining: boolean;
}

const NOT_DRAINING: Lifecycle = { draining: false };

/** Probe answers must never be served from a cache: a stale "ready" keeps traffic flowing to a dead instance. */
const NO_STORE = { 'Cache-Control': 'no-store' };

/**
 * The probes. Liveness asks nothing of the store (an outage must not make an orchestrator restart
 * every instance); readiness fails first on draining, so the load balancer stops sending new
 * requests from the moment a shutdown begins, then on an unreachable store.
 */
export function opsHandlers(lifecycle: Lifecycle = NOT_DRAINING) {
  return {
    async getLiveness() {
      return { status: 200, headers: NO_STORE, body: { status: 'ok' } };
    },

    async getReadiness({ ctx }) {
      if (lifecycle.draining) return { status: 503, headers: NO_STORE, body: { status: 'unavailable', reason: 'draining' } };
      try {
        await ctx.services.store.ping();
      } catch {
        return { status: 503, headers: { ...NO_STORE, 'Retry-After': '5' }, body: { status: 'unavailable', reason: 'store_unreachable' } };
      }
      return { status: 200, headers: NO_STORE, body: { status: 'ready' } };
    },
  } satisfies OpsHandlers<HandlerContext>;
}
