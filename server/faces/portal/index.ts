import { createPortalRules, type PortalStore } from '../../../core/faces/portal/index.js';
import { KnexPortalRepository } from '../../../db/repositories/portal.js';
import { routes } from '../../../generated/portal/routes.gen.js';
import { portalHandlers } from '../../../handlers/portal/index.js';
import { cliLoginPage, resetPasswordPage } from '../../pages/portal.js';
import { approveSignInPage } from '../../pages/portal-approve.js';
import { defineFace } from '../module.js';
import { portalAuthenticator } from './authenticate.js';
import { renderPortalError } from './errors.js';

/** Valstorm's web app and CLI login: org switch, CLI exchange, 2FA, magic codes, approval, reset, login-as. */
export const portalFace = defineFace({
  face: 'portal',
  routes,
  handlers: portalHandlers,
  store: (db): PortalStore => ({ portal: new KnexPortalRepository(db) }),
  settings: (config) => ({ publicUrl: config.server.publicUrl, landingPage: config.login.landingPage, requestsPerMinute: config.portal.requestsPerMinute }),
  rules: createPortalRules,
  authenticate: portalAuthenticator,
  authenticateFirst: true,
  renderError: renderPortalError,
  // The links the portal's operations hand out (openapi/portal.yaml: login_url, forgot-password).
  mount: (app, { rules }) => {
    app.get('/cli-login', cliLoginPage(rules.settings.landingPage));
    app.get('/reset-password', resetPasswordPage());
    app.get('/portal/approve', approveSignInPage());
  },
});
