import { createSimpleAuthRules } from '../../../core/faces/simple-auth/index.js';
import { routes } from '../../../generated/simple-auth/routes.gen.js';
import { simpleAuthHandlers } from '../../../handlers/simple-auth/index.js';
import { consentPage } from '../../pages/consent.js';
import { mountHomePage } from '../../pages/home.js';
import { loginPage } from '../../pages/login.js';
import type { RequestHandler } from 'express';
import type { CookiePolicy } from '../../cookies.js';
import { csrfCookieIssuer } from '../../security/csrf.js';
import { defineFace } from '../module.js';
import { simpleAuthAuthenticator } from './authenticate.js';
import { renderSimpleAuthError } from './errors.js';

/** zix99/simple-auth: accounts, cookie sessions, TOTP, one-time login, the OAuth2 server, vouch. */
export const simpleAuthFace = defineFace({
  face: 'simple-auth',
  routes,
  handlers: simpleAuthHandlers,
  settings: (config) => ({
    publicUrl: config.server.publicUrl,
    sessionCookie: config.cookies.sessionName,
    sessionAbsoluteSeconds: config.sessions.absoluteSeconds,
    landingPage: config.login.landingPage,
    allowedContinueUrls: config.login.allowedContinueUrls,
    createEnabled: config.accounts.createEnabled,
    usernameChecksPerMinute: config.accounts.checksPerMinute,
    twoFactorEnabled: config.twoFactor.enabled,
    onetime: { enabled: config.onetime.enabled, allowForgotPassword: config.onetime.allowForgotPassword },
    sharedKey: config.sharedKey,
    simple: config.authenticators.simple,
    vouch: config.authenticators.vouch,
    cookies: { secure: config.cookies.secure, domain: config.cookies.domain },
  }),
  rules: createSimpleAuthRules,
  authenticate: simpleAuthAuthenticator,
  renderError: renderSimpleAuthError,
  // Every browser call of simple-auth gets the double-submit cookie. Server-to-server calls get
  // none: vouch (a reverse proxy, on every proxied request) and anything sent with an
  // Authorization header (shared key, client credentials, bearer tokens: a back end, which
  // would throw the cookie away and only cost a random token and a Set-Cookie per call).
  operationPrelude: ({ cookiePolicy }) => browserCsrfCookie(cookiePolicy),
  mount: (app, { rules, cookiePolicy }) => {
    const issueCsrfCookie = csrfCookieIssuer(cookiePolicy);
    app.use('/login', browserCsrfCookie(cookiePolicy));
    app.get('/login', loginPage(rules.settings));
    // The consent page posts to the API with the double-submit token: it needs the _csrf cookie.
    app.get('/oauth2/authorize', issueCsrfCookie, consentPage(rules));
    mountHomePage(app, rules, cookiePolicy);
  },
});

function browserCsrfCookie(policy: CookiePolicy): RequestHandler {
  const issueCsrfCookie = csrfCookieIssuer(policy);
  // The full path: under the face's mount (`/api/v1`) Express reports the rest as req.path.
  return (req, res, next) => (`${req.baseUrl}${req.path}` === '/api/v1/auth/vouch' || req.headers.authorization ? next() : issueCsrfCookie(req, res, next));
}
