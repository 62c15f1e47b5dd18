import { GatehouseError } from '../../../core/errors.js';
import type { PlatformRules } from '../../../core/faces/platform/index.js';
import type { Principal } from '../../../core/kernel/principal.js';
import { allowsAnonymous, type AuthContext, type Authenticator } from '../../security/types.js';

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
  const principal = (await fromBearer(ctx)) ?? (await fromApiKey(req.get('x-api-key'), ctx)) ?? (await fromClientCertificate(req.get('authorization'), req.get('x-api-key'), ctx));
  if (!principal) throw new GatehouseError('unauthenticated', { message: UNAUTHORIZED, challenge: 'Bearer' });
  // A service account counts when its roles grant `admin` in `system` (the contract's rule).
  if (!(await ctx.kernel.accounts.isAdministrator(principal.account))) throw new GatehouseError('forbidden', { message: 'admin access required' });
  return { ...principal, admin: true };
};

async function fromBearer(ctx: AuthContext<PlatformRules>): Promise<Principal | undefined> {
  const { bearer } = ctx.credentials;
  const live = bearer ? await ctx.kernel.tokens.verify(bearer) : undefined;
  return live ? { account: live.account, accessToken: live, via: 'bearer' } : undefined;
}

async function fromApiKey(key: string | undefined, ctx: AuthContext<PlatformRules>): Promise<Principal | undefined> {
  const found = key ? await ctx.kernel.apiKeys.authenticate(key.trim()) : undefined;
  return found ? { account: found.account, apiKey: found.credential, via: 'api-key' } : undefined;
}

async function fromClientCertificate(authorization: string | undefined, apiKey: string | undefined, ctx: AuthContext<PlatformRules>): Promise<Principal | undefined> {
  // A presented header that failed is a failed login, never a fall-back to the certificate.
  if (authorization || apiKey || !ctx.credentials.clientCertificate) return undefined;
  const found = await ctx.kernel.apiKeys.authenticateCertificate(ctx.credentials.clientCertificate);
  return found ? { account: found.account, apiKey: found.credential, via: 'api-key' } : undefined;
}
