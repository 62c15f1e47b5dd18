import { createOpsRules } from '../../../core/faces/ops/index.js';
import { routes } from '../../../generated/ops/routes.gen.js';
import { opsHandlers } from '../../../handlers/ops/index.js';
import { defineFace } from '../module.js';
import { renderOpsError } from './errors.js';

/** Liveness and readiness probes for orchestrators and load balancers. */
export const opsFace = defineFace({
  face: 'ops',
  routes,
  handlers: opsHandlers,
  settings: (_config, host) => ({ lifecycle: host.serving }),
  rules: createOpsRules,
  authenticate: async () => undefined,
  renderError: renderOpsError,
});
