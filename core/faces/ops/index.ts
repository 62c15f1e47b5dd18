import type { FaceDeps } from '../../kernel/face.js';

/** What readiness depends on besides the store: the process is shutting down. */
export interface Lifecycle {
  readonly draining: boolean;
}

export interface OpsSettings {
  /** the process's serving state (the runtime flips it on SIGTERM) */
  lifecycle: Lifecycle;
}

export type NotReady = 'draining' | 'store_unreachable';

export interface OpsRules {
  /** why this instance should get no traffic now, or undefined when it is ready */
  notReady(): Promise<NotReady | undefined>;
}

/**
 * The probes' rules. Readiness fails first on draining, so the load balancer stops sending new
 * requests from the moment a shutdown begins, then on a store that cannot be reached.
 */
export function createOpsRules({ kernel, settings }: FaceDeps<object, OpsSettings>): OpsRules {
  return {
    async notReady() {
      if (settings.lifecycle.draining) return 'draining';
      // The kernel's readiness knows more than a round trip: a Galera node without quorum answers
      // `SELECT 1` and refuses everything else.
      return (await kernel.readiness()) ? 'store_unreachable' : undefined;
    },
  };
}
