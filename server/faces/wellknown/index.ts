import { createWellKnownRules } from '../../../core/faces/wellknown/index.js';
import { routes } from '../../../generated/wellknown/routes.gen.js';
import { wellKnownHandlers } from '../../../handlers/wellknown/index.js';
import { defineFace } from '../module.js';
import { renderWellKnownError } from './errors.js';

/** OpenID Connect discovery and the JWKS: public by definition (OIDC Discovery §4, RFC 7517). */
export const wellKnownFace = defineFace({
  face: 'wellknown',
  routes,
  handlers: wellKnownHandlers,
  settings: (config) => ({ publicUrl: config.server.publicUrl, passwordGrant: config.authenticators.oauth2.allowCredentials }),
  rules: createWellKnownRules,
  authenticate: async () => undefined,
  renderError: renderWellKnownError,
});
