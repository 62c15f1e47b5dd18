import { GatehouseError } from '../../core/errors.js';
import type { Principal } from '../../handlers/context.js';
import { allowsAnonymous, type Authenticator } from './types.js';

/**
 * The credentials face's schemes: `Authorization: APIToken <ghk_…>` (an active API_TOKEN or
 * SERVICE_API_TOKEN; the SCIM token is not accepted) or `Authorization: Bearer <access token>`
 * from any face. Both are checked against the database at every request, so revocation and
 * expiry hold on every instance. The binder runs this before the contract validator, so
 * strangers learn no request rules; what the caller may do is decided by the core.
 */
export function credentialsAuthenticator(): Authenticator {
  return async (req, route, ctx) => {
    // Counted before the credential is checked: guessing tokens costs the same budget as using one.
    await ctx.services.credentials.rateLimit.check(`credentials:${ctx.meta.ip ?? 'unknown'}`);
    if (allowsAnonymous(route)) return undefined;
    const header = req.get('authorization')?.trim() ?? '';
    const [, scheme, value] = /^(\S+)\s+(\S+)$/.exec(header) ?? [];
    let principal: Principal | undefined;
    if (scheme?.toLowerCase() === 'apitoken') {
      const account = await ctx.services.credentials.apiKeys.accountFor(value!);
      principal = account ? { account, via: 'api-key' } : undefined;
    } else if (scheme?.toLowerCase() === 'bearer') {
      const account = await ctx.services.oauth2.accountForAccessToken(value!);
      principal = account ? { account, via: 'bearer' } : undefined;
    }
    if (!principal) {
      throw new GatehouseError('unauthenticated', { reason: 'UNAUTHENTICATED', challenge: 'APIToken', logDetail: scheme ? `${scheme} credential unknown, revoked, expired or inactive` : 'no Authorization header' });
    }
    return principal;
  };
}
