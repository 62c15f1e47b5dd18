import type { Request } from 'express';
import type { Authority } from '../../core/kernel/authority.js';
import type { RequestMeta } from '../../core/kernel/audit.js';
import type { Kernel } from '../../core/kernel/index.js';
import type { PresentedCredentials } from '../../core/kernel/presented.js';
import type { Principal } from '../../core/kernel/principal.js';

/** The part of a generated route-table entry the binder and the authenticators read. */
export interface RouteInfo {
  readonly method: string;
  readonly path: string;
  readonly expressPath: string;
  readonly tag: string;
  readonly security: readonly (readonly string[])[];
  /** what the operation lets its caller do (`x-gatehouse-authority`), decided by the kernel */
  readonly authority: Authority;
  readonly requestContentTypes: readonly string[];
  readonly statuses: readonly string[];
}

/** What an authenticator reads: the kernel (who the caller is), the face's rules, the request. */
export interface AuthContext<Rules> {
  kernel: Kernel;
  rules: Rules;
  meta: RequestMeta;
  cookies: Readonly<Record<string, string>>;
  credentials: PresentedCredentials;
}

/**
 * Enforces an operation's security requirements (its `security` alternatives) and returns the
 * caller, or undefined for an allowed anonymous call. Throws `unauthenticated` or `csrf_failed`.
 */
export type Authenticator<Rules> = (req: Request, route: RouteInfo, ctx: AuthContext<Rules>) => Promise<Principal | undefined>;

export function allowsAnonymous(route: RouteInfo): boolean {
  return route.security.length === 0 || route.security.some((alternative) => alternative.length === 0);
}
