import type { Express } from 'express';
import type { Services } from '../../core/services.js';
import { csrfCookieIssuer } from '../security/csrf.js';
import { consentPage } from './consent.js';
import { mountHomePage } from './home.js';
import { loginPage } from './login.js';
import { cliLoginPage, resetPasswordPage } from './portal.js';
import { approveSignInPage } from './portal-approve.js';
import { mountUiPages } from './ui.js';

/** Server-rendered pages (outside the API contracts). */
export function mountPages(app: Express, services: Services): void {
  app.get('/login', loginPage(services));
  // The consent page posts to the API with the double-submit token: it needs the _csrf cookie.
  const { secure, domain } = services.config.cookies;
  app.get('/oauth2/authorize', csrfCookieIssuer({ secure, domain }), consentPage(services));
  // The portal's hand-over and reset links (openapi/portal.yaml: login_url, forgot-password).
  app.get('/cli-login', cliLoginPage(services));
  app.get('/reset-password', resetPasswordPage());
  app.get('/portal/approve', approveSignInPage());
  mountUiPages(app, services);
  mountHomePage(app, services);
}
