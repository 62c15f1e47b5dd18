import { GatehouseError } from '../../../core/errors.js';
import type { PortalRules } from '../../../core/faces/portal/index.js';
import { allowsAnonymous, type Authenticator } from '../../security/types.js';

/**
 * The portal's BearerAuth: any face's live access token (signature, row, grant and account all
 * checked by the kernel) → else 401 `Not authenticated` with the Bearer challenge (RFC 6750 §3).
 * The verified token's claims ride along: `org` and `act` decide the organization context and
 * impersonation. Public operations take passwords and codes: they are limited per address. The
 * binder runs this before the contract validator, so strangers learn no request rules.
 */
export const portalAuthenticator: Authenticator<PortalRules> = async (_req, route, ctx) => {
  if (allowsAnonymous(route)) {
    await ctx.rules.rateLimit.check(`portal:${ctx.meta.ip ?? 'unknown'}`);
    return undefined;
  }
  const { bearer } = ctx.credentials;
  const principal = await ctx.kernel.principals.fromBearer(bearer);
  if (!principal) throw new GatehouseError('unauthenticated', { challenge: 'Bearer', logDetail: bearer ? 'unknown, revoked or expired token' : 'no bearer token' });
  return principal;
};
