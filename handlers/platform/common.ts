import { isAdministrator } from '../../core/kernel/accounts.js';
import type { Account } from '../../core/kernel/model.js';
import { GatehouseError } from '../../core/errors.js';
import type { HandlerContext } from '../context.js';

/** `principal` as the platform face shows an account: UUID, display name, admin flag. */
export function principalView(account: Account) {
  return { id: account.uuid, name: account.displayName, is_admin: isAdministrator(account) };
}

/** A JSON-asking caller (a single-page app) gets data instead of a redirect. */
export function prefersJson(ctx: HandlerContext): boolean {
  const accept = ctx.requestHeaders.accept;
  return typeof accept === 'string' && accept.includes('application/json') && !accept.includes('text/html');
}

/** The admin caller of an admin-only operation (the security binder has checked it already). */
export function admin(ctx: HandlerContext): Account {
  const account = ctx.principal?.account;
  if (!account || !(ctx.principal?.admin ?? isAdministrator(account))) throw new GatehouseError('forbidden', { message: 'admin access required' });
  return account;
}

export const NO_STORE = { 'Cache-Control': 'no-store' } as const;
export const FLOW_COOKIE = 'ui_oidc_flow';
