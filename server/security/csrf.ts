import type { NextFunction, Request, Response } from 'express';
import { constantTimeEqual, randomAlphanumeric } from '../../core/crypto.js';
import { GatehouseError } from '../../core/errors.js';
import { writeCookie, type CookiePolicy } from '../cookies.js';

export const CSRF_COOKIE = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Double-submit CSRF defence as simple-auth's UI expects it: a state-changing browser call must
 * echo the `_csrf` cookie in the X-CSRF-Token header. A cross-site page can make the browser send
 * the cookie but cannot read it to set the header.
 */
export function assertCsrf(req: Request, cookies: Readonly<Record<string, string>>): void {
  const expected = cookies[CSRF_COOKIE] ?? '';
  const given = req.get(CSRF_HEADER) ?? '';
  if (!expected || !given || !constantTimeEqual(expected, given)) {
    throw new GatehouseError('csrf_failed', { logDetail: expected ? 'header does not match cookie' : 'no _csrf cookie' });
  }
}

/** Gives every browser that has none a `_csrf` cookie (readable by the page, so not HttpOnly). */
export function csrfCookieIssuer(policy: CookiePolicy) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const cookies = (req.cookies ?? {}) as Record<string, string>;
    if (!cookies[CSRF_COOKIE]) {
      const token = randomAlphanumeric(32);
      writeCookie(res, { name: CSRF_COOKIE, value: token, httpOnly: false, maxAgeSeconds: 86400 }, req.secure, policy);
      // Pages rendered in this request embed the same token.
      res.locals.csrfToken = token;
    } else {
      res.locals.csrfToken = cookies[CSRF_COOKIE];
    }
    next();
  };
}
