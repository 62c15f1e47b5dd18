import type { RequestMeta } from '../core/kernel/audit.js';
import type { Account, Session } from '../core/kernel/model.js';
import type { OAuth2Token } from '../core/kernel/oauth2/model.js';
import type { PresentedCredentials } from '../core/kernel/presented.js';
import type { Services } from '../core/services.js';

/** How the caller proved who they are, as resolved by the face's security schemes. */
export interface Principal {
  account: Account;
  /** the browser session, when the call came with a session cookie */
  session?: Session;
  /** the access token's row, when the call came with a bearer token the face resolved to it */
  accessToken?: OAuth2Token;
  /** the verified access token's claims, when a face reads its own (the portal's `org`, `act`) */
  claims?: Readonly<Record<string, unknown>>;
  via: 'session' | 'shared-key' | 'bearer' | 'api-key';
  /** set by a face's authenticator that decided administrator rights (e.g. a service account's roles) */
  admin?: boolean;
}

/** What every handler gets besides the validated request: the core and the caller. */
export interface HandlerContext {
  services: Services;
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
