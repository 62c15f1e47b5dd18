import type { PortalRules } from '../../core/faces/portal/index.js';
import type { PortalCaller } from '../../core/faces/portal/organizations.js';
import type { PortalHandlers } from '../../generated/portal/handlers.gen.js';
import { requirePrincipal, type HandlerContext } from '../context.js';

export type Ctx = HandlerContext<PortalRules>;
export type H = PortalHandlers<Ctx>;

/** Token responses must not be cached (RFC 6749 §5.1). */
export const NO_STORE = { 'Cache-Control': 'no-store' } as const;

/** The bearer caller with the verified claims the portal reads (`org`, RFC 8693 `act`). */
export function portalCaller(ctx: Ctx): PortalCaller {
  const { account, accessToken } = requirePrincipal(ctx);
  if (!accessToken) throw new Error('portal bearer operation reached its handler without the token row');
  const { claims } = accessToken;
  const act = claims.act as { sub?: unknown } | undefined;
  return {
    account,
    grantId: accessToken.token.grantId,
    org: typeof claims.org === 'string' ? claims.org : undefined,
    actor: typeof act?.sub === 'string' ? act.sub : undefined,
  };
}
