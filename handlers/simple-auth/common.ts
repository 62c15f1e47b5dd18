import type { SimpleAuthRules } from '../../core/faces/simple-auth/index.js';
import type { LocalLogin } from '../../core/faces/simple-auth/account.js';
import type { CookieInstruction } from '../../generated/handler-types.gen.js';
import type { SimpleAuthHandlers } from '../../generated/simple-auth/handlers.gen.js';
import type { HandlerContext } from '../context.js';

export type Ctx = HandlerContext<SimpleAuthRules>;
export type H = SimpleAuthHandlers<Ctx>;

export const OK = { success: true } as const;

/** The session cookie: opaque token, HttpOnly; lives as long as the session's absolute expiry. */
export function sessionCookie(ctx: Ctx, token: string): CookieInstruction {
  const { sessionCookie: name, sessionAbsoluteSeconds } = ctx.rules.settings;
  return { name, value: token, httpOnly: true, maxAgeSeconds: sessionAbsoluteSeconds };
}

export function clearedSessionCookie(ctx: Ctx): CookieInstruction {
  return { name: ctx.rules.settings.sessionCookie, value: '', httpOnly: true, maxAgeSeconds: 0 };
}

/** The browser's session cookie, if it sent one. */
export function presentedSession(ctx: Ctx): string | undefined {
  return ctx.cookies[ctx.rules.settings.sessionCookie];
}

/** GET /local's view of an account's local login (also returned by POST /local/password). */
export function localLoginBody(view: LocalLogin) {
  return { username: view.username, twofactor: view.twoFactor, twofactorallowed: view.twoFactorAllowed, requireOldPassword: view.requireOldPassword };
}
