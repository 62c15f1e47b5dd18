import { GatehouseError } from '../../core/errors.js';
import { isAdministrator } from '../../core/kernel/accounts.js';
import type { Principal } from '../../handlers/context.js';
import { allowsAnonymous, type Authenticator } from './types.js';

const UNAUTHORIZED = 'unauthorized: provide a valid JWT Bearer token or API key';

/**
 * QuackStack's order: `Authorization: Bearer <access token>` first, then `X-API-Key`; neither
 * valid → 401. Every protected platform operation is admin-only, and the admin flag is read from
 * the account at every request (a demotion takes effect at once) → 403. The binder runs this
 * before the body is validated, so an unauthenticated caller learns nothing about the contract.
 */
export function platformAuthenticator(): Authenticator {
  return async (req, route, ctx) => {
    if (allowsAnonymous(route)) {
      // The public operations take passwords, tokens and codes: limit how fast one address may try.
      await ctx.services.platform.rateLimit.check(`platform:${ctx.meta.ip ?? 'unknown'}`);
      return undefined;
    }
    const principal = (await fromBearer(req.get('authorization'), ctx)) ?? (await fromApiKey(req.get('x-api-key'), ctx));
    if (!principal) throw new GatehouseError('unauthenticated', { message: UNAUTHORIZED, challenge: 'Bearer' });
    // A service account counts when its roles grant `admin` in `system` (the contract's rule).
    const admin = isAdministrator(principal.account) || (await ctx.services.credentials.caller(principal.account)).admin;
    if (!admin) throw new GatehouseError('forbidden', { message: 'admin access required' });
    return { ...principal, admin };
  };
}

async function fromBearer(header: string | undefined, ctx: Parameters<Authenticator>[2]): Promise<Principal | undefined> {
  const match = /^Bearer\s+(\S+)$/i.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const account = await ctx.services.oauth2.accountForAccessToken(match[1]!);
  return account ? { account, via: 'bearer' } : undefined;
}

async function fromApiKey(key: string | undefined, ctx: Parameters<Authenticator>[2]): Promise<Principal | undefined> {
  const account = key ? await ctx.services.platform.apiKeys.accountFor(key.trim()) : undefined;
  return account ? { account, via: 'api-key' } : undefined;
}
