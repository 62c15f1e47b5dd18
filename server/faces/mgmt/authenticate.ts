import { GatehouseError } from '../../../core/errors.js';
import type { MgmtRules } from '../../../core/faces/mgmt/index.js';
import { noBasicCredentials } from '../../../core/faces/mgmt/password-login.js';
import { allowsAnonymous, type Authenticator } from '../../security/types.js';

const has = (scheme: string, security: readonly (readonly string[])[]) => security.some((alternative) => alternative.includes(scheme));

/**
 * mgmt's schemes. BearerAuth: any face's live access token, resolved to its row (logout revokes
 * it, token-info describes it) → else 401 with the Bearer challenge (RFC 6750 §3). BasicAuth (the
 * client-credentials login): only that Basic credentials are present and well-formed → else 401
 * with the Basic challenge; the handler checks them, after the body, through the login throttle.
 * The binder runs this before the contract validator, so strangers learn no request rules.
 */
export const mgmtAuthenticator: Authenticator<MgmtRules> = async (_req, route, ctx) => {
  if (allowsAnonymous(route)) return undefined;
  const { basic, bearer } = ctx.credentials;
  if (has('BasicAuth', route.security)) {
    if (!basic || basic === 'malformed') throw noBasicCredentials();
    return undefined;
  }
  const principal = await ctx.kernel.principals.fromBearer(bearer);
  if (!principal) throw new GatehouseError('unauthenticated', { message: 'invalid or expired token', challenge: 'Bearer', logDetail: bearer ? 'unknown, revoked or expired token' : 'no bearer token' });
  return principal;
};
