import type { PlatformRules } from '../../core/faces/platform/index.js';
import { isAdministrator } from '../../core/kernel/accounts.js';
import type { Account } from '../../core/kernel/model.js';
import { GatehouseError } from '../../core/errors.js';
import type { PlatformHandlers } from '../../generated/platform/handlers.gen.js';
import type { HandlerContext } from '../context.js';

export type Ctx = HandlerContext<PlatformRules>;
export type H = PlatformHandlers<Ctx>;

/** `principal` as the platform face shows an account: UUID, display name, admin flag. */
export function principalView(account: Account) {
  return { id: account.uuid, name: account.displayName, is_admin: isAdministrator(account) };
}

/** A JSON-asking caller (a single-page app) gets data instead of a redirect. */
export function prefersJson(ctx: Ctx): boolean {
  const accept = ctx.requestHeaders.accept;
  return typeof accept === 'string' && accept.includes('application/json') && !accept.includes('text/html');
}

/** The admin caller of an admin-only operation (the authenticator has checked it already). */
export function admin(ctx: Ctx): Account {
  const principal = ctx.principal;
  if (!principal?.admin) throw new GatehouseError('forbidden', { message: 'admin access required' });
  return principal.account;
}

export const NO_STORE = { 'Cache-Control': 'no-store' } as const;
export const FLOW_COOKIE = 'ui_oidc_flow';
