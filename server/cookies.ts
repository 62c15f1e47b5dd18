import type { Request, Response } from 'express';
import type { CookieInstruction } from '../generated/handler-types.gen.js';

export interface CookiePolicy {
  secure: 'auto' | 'true' | 'false';
  domain: string;
}

/** Whether the request reached us over HTTPS (req.secure honours the trusted-proxy setting). */
export function isSecureRequest(req: Request): boolean {
  return req.secure;
}

/**
 * Every cookie Gatehouse sets goes through here: SameSite=Lax (no cross-site POST carries it),
 * Secure when configured or when the request came over HTTPS, HttpOnly unless the page must read it.
 */
export function writeCookie(res: Response, cookie: CookieInstruction, secureRequest: boolean, policy: CookiePolicy): void {
  const secure = policy.secure === 'true' || (policy.secure === 'auto' && secureRequest);
  const clearing = cookie.maxAgeSeconds === 0;
  res.cookie(cookie.name, cookie.value, {
    httpOnly: cookie.httpOnly ?? true,
    sameSite: 'lax',
    secure,
    path: cookie.path ?? '/',
    ...(policy.domain ? { domain: policy.domain } : {}),
    ...(clearing ? { expires: new Date(0) } : cookie.maxAgeSeconds !== undefined ? { maxAge: cookie.maxAgeSeconds * 1000 } : {}),
  });
}
