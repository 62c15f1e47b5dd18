import type { Request } from 'express';
import type { HandlerContext, Principal } from '../../handlers/context.js';

/** The part of a generated route-table entry the binder and the authenticators read. */
export interface RouteInfo {
  readonly method: string;
  readonly path: string;
  readonly expressPath: string;
  readonly tag: string;
  readonly security: readonly (readonly string[])[];
  readonly requestContentTypes: readonly string[];
  readonly statuses: readonly string[];
}

/**
 * Enforces an operation's security requirements (its `security` alternatives) and returns the
 * caller, or undefined for an allowed anonymous call. Throws `unauthenticated` or `csrf_failed`.
 */
export type Authenticator = (req: Request, route: RouteInfo, ctx: HandlerContext) => Promise<Principal | undefined>;

export function allowsAnonymous(route: RouteInfo): boolean {
  return route.security.length === 0 || route.security.some((alternative) => alternative.length === 0);
}
