import { GatehouseError } from '../../../core/errors.js';
import type { CredentialsRules } from '../../../core/faces/credentials/index.js';
import type { Principal } from '../../../core/kernel/principal.js';
import { allowsAnonymous, type Authenticator } from '../../security/types.js';

/**
 * The credentials face's schemes: `Authorization: APIToken <ghk_…>` (an active API_TOKEN or
 * SERVICE_API_TOKEN; the SCIM token is not accepted) or `Authorization: Bearer <access token>`
 * from any face. Both are checked against the database at every request, so revocation and
 * expiry hold on every instance. The binder runs this before the contract validator, so
 * strangers learn no request rules; what the caller may do is decided by the core. Without an
 * Authorization header, an API certificate presented as the TLS client certificate authenticates.
 */
export const credentialsAuthenticator: Authenticator<CredentialsRules> = async (req, route, ctx) => {
  // Counted before the credential is checked: guessing tokens costs the same budget as using one.
  await ctx.rules.rateLimit.check(`credentials:${ctx.meta.ip ?? 'unknown'}`);
  if (allowsAnonymous(route)) return undefined;
  const header = req.get('authorization')?.trim() ?? '';
  const [, scheme, value] = /^(\S+)\s+(\S+)$/.exec(header) ?? [];
  const { principals } = ctx.kernel;
  let principal: Principal | undefined;
  if (scheme?.toLowerCase() === 'apitoken') principal = await principals.fromApiKey(value);
  else if (ctx.credentials.bearer) principal = await principals.fromBearer(ctx.credentials.bearer);
  // An API certificate as the TLS client certificate: the same authority as its owner's API token.
  else if (!scheme) principal = await principals.fromCertificate(ctx.credentials.clientCertificate);
  if (!principal) {
    throw new GatehouseError('unauthenticated', { reason: 'UNAUTHENTICATED', challenge: 'APIToken', logDetail: scheme ? `${scheme} credential unknown, revoked, expired or inactive` : ctx.credentials.clientCertificate ? 'client certificate unknown, revoked, expired or inactive' : 'no Authorization header' });
  }
  return principal;
};
