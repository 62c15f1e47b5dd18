import { createPlatformRules, type PlatformStore } from '../../../core/faces/platform/index.js';
import { KnexCounterRepository } from '../../../db/repositories/counters.js';
import { KnexOidcRepository, KnexSetupRepository } from '../../../db/repositories/platform.js';
import { routes } from '../../../generated/platform/routes.gen.js';
import { platformHandlers } from '../../../handlers/platform/index.js';
import { mountUiPages } from '../../pages/ui.js';
import { defineFace } from '../module.js';
import { platformAuthenticator } from './authenticate.js';
import { renderPlatformError } from './errors.js';

/** QuackStack's auth group: bootstrap, local login, the upstream OIDC provider, web sessions. */
export const platformFace = defineFace({
  face: 'platform',
  routes,
  handlers: platformHandlers,
  store: (db): PlatformStore => ({ setup: new KnexSetupRepository(db), oidc: new KnexOidcRepository(db), counters: new KnexCounterRepository(db) }),
  settings: (config) => ({
    credentialRules: config.accounts,
    publicUrl: config.server.publicUrl,
    allowedContinueUrls: config.login.allowedContinueUrls,
    landingPage: config.login.landingPage,
    sessions: config.sessions,
    webSessionsEnabled: config.platform.webSessionsEnabled,
    uiSessionCookie: config.platform.uiSessionCookie,
    requestsPerMinute: config.platform.requestsPerMinute,
  }),
  rules: createPlatformRules,
  authenticate: platformAuthenticator,
  authenticateFirst: true,
  renderError: renderPlatformError,
  mount: (app, { rules, cookiePolicy }) => mountUiPages(app, rules, cookiePolicy),
});
