import type { RequestMeta } from '../core/kernel/audit.js';
import type { PresentedCredentials } from '../core/kernel/presented.js';
import type { Principal } from '../core/kernel/principal.js';

export type { Principal };

/**
 * What a handler gets besides the validated request: the caller, the request's metadata and its
 * face's rules. Nothing else: no store, clock, hasher or auditor (those are the rules' business).
 */
export interface HandlerContext<Rules = unknown> {
  rules: Rules;
  meta: RequestMeta;
  /** undefined on anonymous calls */
  principal: Principal | undefined;
  cookies: Readonly<Record<string, string>>;
  /** the Authorization header, decoded once for the whole request */
  credentials: PresentedCredentials;
  /** all request headers, lower-cased names (for those a contract cannot declare, e.g. Accept) */
  requestHeaders: Readonly<Record<string, string | string[] | undefined>>;
  /** the request came over HTTPS (directly or through a trusted proxy) */
  secure: boolean;
}

/** The caller's principal on an operation whose security the binder has already enforced. */
export function requirePrincipal(ctx: HandlerContext): Principal {
  if (!ctx.principal) throw new Error('operation reached its handler without a principal: check its security in the contract');
  return ctx.principal;
}
