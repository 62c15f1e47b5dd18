import type { Request } from 'express';
import { constantTimeEqual } from '../../../core/crypto.js';
import { GatehouseError } from '../../../core/errors.js';
import type { SimpleAuthRules } from '../../../core/faces/simple-auth/index.js';
import type { Principal } from '../../../core/kernel/principal.js';
import { assertCsrf } from '../../security/csrf.js';
import { allowsAnonymous, type AuthContext, type Authenticator, type RouteInfo } from '../../security/types.js';

const has = (route: RouteInfo, scheme: string) => route.security.find((alternative) => alternative.includes(scheme));

/**
 * simple-auth's schemes, in the original's order: a trusted back end's SharedKey first (it skips
 * CSRF); then the session cookie (a present but invalid cookie is a 401, not a fall-through),
 * with CSRF on state changes; then CSRF alone on public browser calls.
 */
export const simpleAuthAuthenticator: Authenticator<SimpleAuthRules> = async (req, route, ctx) => {
    if (route.security.length === 0) return undefined;
    const { settings } = ctx.rules;

    // OIDC UserInfo: an access token and nothing else (RFC 6750 §2.1); failures in RFC 6750's words.
    if (has(route, 'AccessToken')) {
      const { bearer } = ctx.credentials;
      const principal = await ctx.kernel.principals.fromBearer(bearer);
      if (!principal) {
        throw new GatehouseError('invalid_token', {
          reason: 'invalid_token',
          message: 'the access token is missing, unknown, expired or revoked',
          challenge: bearer ? 'Bearer error="invalid_token"' : 'Bearer',
          logDetail: bearer ? 'unknown, revoked or expired token' : 'no bearer token',
        });
      }
      return principal;
    }

    const sharedKey = has(route, 'SharedKey');
    if (sharedKey && settings.sharedKey.enabled && sharedKeyMatches(req, settings.sharedKey.secret ?? '')) {
      return sharedKey.includes('AccountUUID') ? accountFromHeader(req, ctx) : undefined;
    }

    const sessionScheme = has(route, 'SessionAuth');
    const cookie = ctx.cookies[settings.sessionCookie];
    if (sessionScheme && cookie) {
      const live = await ctx.rules.sessions.resolve(cookie);
      if (live) {
        if (sessionScheme.includes('CsrfToken')) assertCsrf(req, ctx.cookies);
        return { account: live.account, session: live.session, via: 'session' };
      }
      if (!allowsAnonymous(route)) throw new GatehouseError('unauthenticated', { message: 'Unable to authenticate: invalid or expired session' });
    }

    if (route.security.some((alternative) => alternative.length === 1 && alternative[0] === 'CsrfToken')) {
      assertCsrf(req, ctx.cookies);
      return undefined;
    }
    // OAuth2 client authentication and the /auth/simple secret are checked by their handlers:
    // their failures have their own documented shapes (RFC 6749 §5.2, invalid-auth-token).
    if (allowsAnonymous(route) || has(route, 'ClientBasic') || has(route, 'SimpleBearer')) return undefined;
    throw new GatehouseError('unauthenticated');
};

/** `Authorization: SharedKey <secret>`, the qualifier case-insensitive, the secret compared in constant time. */
function sharedKeyMatches(req: Request, secret: string): boolean {
  const parts = (req.get('authorization') ?? '').trim().split(/\s+/);
  return parts.length === 2 && parts[0]!.toLowerCase() === 'sharedkey' && secret.length > 0 && constantTimeEqual(parts[1]!, secret);
}

async function accountFromHeader(req: Request, ctx: AuthContext<SimpleAuthRules>): Promise<Principal> {
  const uuid = req.get('x-account-uuid')?.trim();
  if (!uuid) throw new GatehouseError('unauthenticated', { message: 'Unable to authenticate: missing x-account-uuid header' });
  const account = /^[0-9a-f-]{36}$/i.test(uuid) ? await ctx.kernel.accounts.byUuid(uuid) : undefined;
  if (!account?.active) throw new GatehouseError('unauthenticated', { message: 'Unable to authenticate: unknown or inactive account' });
  return { account, via: 'shared-key' };
}
