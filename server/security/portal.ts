import { decodeJwt } from 'jose';
import { GatehouseError } from '../../core/errors.js';
import { allowsAnonymous, type Authenticator } from './types.js';

/**
 * The portal's BearerAuth: any face's live access token (signature, row, grant and account all
 * checked by the OAuth2 core) → else 401 `Not authenticated` with the Bearer challenge (RFC 6750
 * §3). The verified token's claims ride along: `org` and `act` decide the organization context
 * and impersonation. Public operations take passwords and codes: they are limited per address.
 * The binder runs this before the contract validator, so strangers learn no request rules.
 */
export function portalAuthenticator(): Authenticator {
  return async (req, route, ctx) => {
    if (allowsAnonymous(route)) {
      await ctx.services.portal.rateLimit.check(`portal:${ctx.meta.ip ?? 'unknown'}`);
      return undefined;
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization')?.trim() ?? '')?.[1];
    const live = bearer ? await ctx.services.oauth2.liveAccessToken(bearer) : undefined;
    if (!bearer || !live) throw new GatehouseError('unauthenticated', { challenge: 'Bearer', logDetail: bearer ? 'unknown, revoked or expired token' : 'no bearer token' });
    // liveAccessToken verified the signature; decoding again only reads the verified claims.
    return { account: live.account, accessToken: live.token, claims: decodeJwt(bearer), via: 'bearer' };
  };
}
