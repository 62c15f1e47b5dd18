import { createScimRules } from '../../../core/faces/scim/index.js';
import { routes } from '../../../generated/scim/routes.gen.js';
import { scimHandlers } from '../../../handlers/scim/index.js';
import { defineFace } from '../module.js';
import { scimAuthenticator } from './authenticate.js';
import { renderScimError } from './errors.js';

/** SCIM 2.0 provisioning (RFC 7643, RFC 7644) for identity providers, on the tenant's SCIM token. */
export const scimFace = defineFace({
  face: 'scim',
  routes,
  handlers: scimHandlers,
  settings: (config) => ({ publicUrl: config.server.publicUrl }),
  rules: createScimRules,
  authenticate: scimAuthenticator,
  authenticateFirst: true,
  renderError: renderScimError,
});
