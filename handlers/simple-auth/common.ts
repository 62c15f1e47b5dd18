import type { Account } from '../../core/kernel/model.js';
import type { CookieInstruction } from '../../generated/handler-types.gen.js';
import type { HandlerContext, Principal } from '../context.js';

export const OK = { success: true } as const;

/** The session cookie: opaque token, HttpOnly; lives as long as the session's absolute expiry. */
export function sessionCookie(ctx: HandlerContext, token: string): CookieInstruction {
  const { cookies, sessions } = ctx.services.config;
  return { name: cookies.sessionName, value: token, httpOnly: true, maxAgeSeconds: sessions.absoluteSeconds };
}

export function clearedSessionCookie(ctx: HandlerContext): CookieInstruction {
  return { name: ctx.services.config.cookies.sessionName, value: '', httpOnly: true, maxAgeSeconds: 0 };
}

/** GET /local's view of an account's local login (also returned by POST /local/password). */
export function localLoginView(ctx: HandlerContext, principal: Principal, account: Account = principal.account) {
  return {
    username: account.username,
    twofactor: account.totpSecretSealed !== null,
    twofactorallowed: ctx.services.config.twoFactor.enabled,
    // A one-time-link session is how a forgotten password is reset; a trusted back end already
    // vouches for the user. Everyone else proves the old password.
    requireOldPassword: !(principal.via === 'shared-key' || principal.session?.source === 'onetime'),
  };
}
