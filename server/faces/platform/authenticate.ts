import { GatehouseError } from '../../../core/errors.js';
import type { PlatformRules } from '../../../core/faces/platform/index.js';
import { allowsAnonymous, type Authenticator } from '../../security/types.js';

const UNAUTHORIZED = 'unauthorized: provide a valid JWT Bearer token or API key';

/**
 * QuackStack's order: `Authorization: Bearer <access token>` first, then `X-API-Key`; neither
 * valid → 401. Every protected platform operation is admin-only, and the admin flag is read from
 * the account at every request (a demotion takes effect at once) → 403. The binder runs this
 * before the body is validated, so an unauthenticated caller learns nothing about the contract.
 * With neither header, an API certificate as the TLS client certificate stands for its owner's
 * API token (the credentials face's rule).
 */
export const platformAuthenticator: Authenticator<PlatformRules> = async (req, route, ctx) => {
  if (allowsAnonymous(route)) {
    // The public operations take passwords, tokens and codes: limit how fast one address may try.
    await ctx.rules.rateLimit.check(`platform:${ctx.meta.ip ?? 'unknown'}`);
    return undefined;
  }
  const { principals } = ctx.kernel;
  const apiKey = req.get('x-api-key');
  const principal =
    (await principals.fromBearer(ctx.credentials.bearer)) ??
    (await principals.fromApiKey(apiKey?.trim())) ??
    // A presented header that failed is a failed login, never a fall-back to the certificate.
    (req.get('authorization') || apiKey ? undefined : await principals.fromCertificate(ctx.credentials.clientCertificate));
  if (!principal) throw new GatehouseError('unauthenticated', { message: UNAUTHORIZED, challenge: 'Bearer' });
  // A service account counts when its roles grant `admin` in `system` (the contract's rule).
  if (!(await ctx.kernel.accounts.isAdministrator(principal.account))) throw new GatehouseError('forbidden', { message: 'admin access required' });
  return { ...principal, admin: true };
};
