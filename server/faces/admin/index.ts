import { createAdminRules } from '../../../core/faces/admin/index.js';
import { routes } from '../../../generated/admin/routes.gen.js';
import { adminHandlers } from '../../../handlers/admin/index.js';
import { defineFace } from '../module.js';
import { renderProblem } from './errors.js';

/** The operator's API (/admin/v1): accounts, directory, keys, audit, outbox; administrators only. */
export const adminFace = defineFace({
  face: 'admin',
  routes,
  handlers: adminHandlers,
  settings: () => ({}),
  rules: createAdminRules,
  // `Authorization: Bearer` with an administrator's first-party access token or API token.
  authenticate: (_req, _route, ctx) => ctx.rules.authenticate(ctx.credentials),
  authenticateFirst: true,
  renderError: renderProblem,
});
