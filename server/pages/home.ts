import type { Express, NextFunction, Request, Response } from 'express';
import { constantTimeEqual } from '../../core/crypto.js';
import type { SimpleAuthRules } from '../../core/faces/simple-auth/index.js';
import { writeCookie, type CookiePolicy } from '../cookies.js';
import { CSRF_COOKIE, csrfCookieIssuer } from '../security/csrf.js';
import { escapeHtml, sendPage } from './html.js';

/**
 * GET / — the default landing page (`login.landingPage`), where a sign-in without a `continue`
 * URL ends: who the simple-auth session cookie belongs to and a sign-out button, or a link to
 * /login. POST /logout ends that session in the database (a copied cookie dies too) and clears it.
 * The sign-out form carries the double-submit CSRF token (the `_csrf` cookie, echoed in the form):
 * a cross-site page cannot read the cookie, so it cannot sign a visitor out.
 */
export function mountHomePage(app: Express, rules: SimpleAuthRules, policy: CookiePolicy): void {
  const cookieName = rules.settings.sessionCookie;

  app.get('/', csrfCookieIssuer(policy), async (req: Request, res: Response, next: NextFunction) => {
    try {
      const token = (req.cookies as Record<string, string> | undefined)?.[cookieName];
      const live = token ? await rules.sessions.resolve(token) : undefined;
      if (!live) return sendPage(res, { title: 'Gatehouse', body: '<h1>Not signed in</h1><p><a id="sign-in" href="/login">Sign in</a></p>', script: '' });
      const { account } = live;
      const email = account.email ? `<dt>Email</dt><dd id="email">${escapeHtml(account.email)}</dd>` : '';
      sendPage(res, {
        title: 'Gatehouse',
        body: `<h1>Signed in</h1>
<p>as <strong id="principal" data-id="${escapeHtml(account.uuid)}">${escapeHtml(account.displayName || account.username)}</strong></p>
<dl><dt>Username</dt><dd id="username">${escapeHtml(account.username)}</dd>${email}</dl>
<form method="post" action="/logout">
  <input type="hidden" name="_csrf" value="${escapeHtml(String(res.locals.csrfToken ?? ''))}">
  <button id="sign-out" type="submit">Sign out</button>
</form>`,
        script: '',
      });
    } catch (error) {
      next(error);
    }
  });

  app.post('/logout', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const jar = (req.cookies ?? {}) as Record<string, string>;
      const given = typeof req.body?._csrf === 'string' ? (req.body._csrf as string) : '';
      if (!jar[CSRF_COOKIE] || !given || !constantTimeEqual(jar[CSRF_COOKIE], given)) {
        res.status(403);
        return sendPage(res, { title: 'Gatehouse', body: '<h1>Not signed out</h1><p>The form had expired. <a href="/">Try again</a>.</p>', script: '' });
      }
      const token = jar[cookieName];
      if (token) await rules.sessions.end(token);
      writeCookie(res, { name: cookieName, value: '', httpOnly: true, maxAgeSeconds: 0 }, req.secure, policy);
      res.redirect(303, '/');
    } catch (error) {
      next(error);
    }
  });
}
