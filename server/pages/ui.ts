import type { Request, Response, NextFunction, Express } from 'express';
import type { PlatformRules } from '../../core/faces/platform/index.js';
import { writeCookie, type CookiePolicy } from '../cookies.js';
import { escapeHtml, sendPage } from './html.js';

/**
 * The platform web UI's landing page, opened by the `ui_session` cookie (made by the OIDC browser
 * login). Every visit resolves the session in the database, so a revocation on any instance shows
 * here at once and is counted in the shared web-session statistics. Without a live session it
 * starts the OIDC login (when configured) or says how to sign in.
 */
export function mountUiPages(app: Express, rules: PlatformRules, cookiePolicy: CookiePolicy): void {
  const { uiSessionCookie: cookieName, webSessionsEnabled } = rules.settings;

  app.get('/ui', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const live = webSessionsEnabled ? await rules.webSessions.resolve(req.cookies?.[cookieName]) : undefined;
      if (!live) {
        const provider = await rules.providers.current();
        if (provider?.enabled) return res.redirect(302, `/auth/oidc/login?continue=${encodeURIComponent('/ui')}`);
        res.status(401);
        return sendPage(res, { title: 'Gatehouse', body: '<h1>Not signed in</h1><p>Sign in through the configured identity provider.</p>', script: '' });
      }
      const { account } = live;
      sendPage(res, {
        title: 'Gatehouse',
        body: `<h1>Signed in</h1><p id="principal" data-id="${escapeHtml(account.uuid)}">${escapeHtml(account.displayName)}</p>
<form method="post" action="/ui/logout"><button type="submit">Sign out</button></form>`,
        script: '',
      });
    } catch (error) {
      next(error);
    }
  });

  // SameSite=Lax keeps a cross-site POST from carrying the cookie: a forged sign-out is not possible.
  app.post('/ui/logout', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const token = req.cookies?.[cookieName];
      if (token) await rules.webSessions.logout(token, { requestId: String(res.locals.requestId ?? ''), ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null });
      // Through the one cookie writer: a cookie set with the configured Domain (and Secure) is
      // only removed by a Set-Cookie carrying the same Domain; res.clearCookie left it in place.
      writeCookie(res, { name: cookieName, value: '', path: '/', maxAgeSeconds: 0, httpOnly: true }, req.secure, cookiePolicy);
      res.redirect(303, '/ui');
    } catch (error) {
      next(error);
    }
  });
}
