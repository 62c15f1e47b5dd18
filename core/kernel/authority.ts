import { isFirstPartyClientId } from './oauth2/first-party.js';
import type { Principal } from './principal.js';

/**
 * What an operation lets its caller do. Every operation of every contract names one
 * (`x-gatehouse-authority`); the generator refuses a contract that does not, so no operation is
 * left to a face's own idea of what a token may do.
 */
export const AUTHORITIES = [
  /** anyone (the operation authenticates its own secret, or none) */
  'public',
  /** read the caller's own account, profile and e-mail */
  'account:read',
  /** change the caller's own account: password, second factor, OAuth2 grants */
  'account:write',
  /** inspect or end the presented token itself */
  'token:self',
  /** move the caller's portal session to another organization */
  'org:switch',
  /** list and read API credentials */
  'credentials:read',
  /** mint, renew, revoke or activate credentials (API tokens, certificates, SCIM tokens, CLI tokens) */
  'credentials:mint',
  /** approve or reject another device's sign-in */
  'sign-in:approve',
  /** act as another account */
  'impersonate',
  /** mint first-administrator bootstrap tokens */
  'bootstrap',
  /** end or count every web session */
  'sessions:admin',
  /** administer the service: accounts, organizations, clients, keys, identity providers */
  'admin',
  /** provision accounts and groups through SCIM (the tenant's SCIM token only) */
  'scim',
] as const;

export type Authority = (typeof AUTHORITIES)[number];

export function isAuthority(value: unknown): value is Authority {
  return typeof value === 'string' && (AUTHORITIES as readonly string[]).includes(value);
}

/**
 * What a third-party client's token may do, by granted scope. Nothing else: a user who signs in to
 * someone else's app hands that app a view of their profile, never their administrator rights,
 * their credentials or their other sessions (the confused deputy of RFC 6749 §10.3 / RFC 9068 §4:
 * a resource server decides by the token's client and scope, not by the account alone).
 */
export const THIRD_PARTY_SCOPE_AUTHORITIES: Readonly<Record<string, readonly Authority[]>> = {
  openid: ['account:read'],
  profile: ['account:read'],
  email: ['account:read'],
};

/** Always allowed to the presented token itself, whoever it was issued to: token-info and logout. */
const ALWAYS: ReadonlySet<Authority> = new Set<Authority>(['public', 'token:self']);

export type AuthorityDecision = { allowed: true } | { allowed: false; reason: string };

/**
 * The one decision on whether a caller may act on an operation of the given authority. Callers
 * that proved themselves first-hand (a session, an API token, the shared key, or a token from one
 * of Gatehouse's own logins) act with their account's rights, which the face's own role checks
 * then apply. A token issued to a third-party OAuth2 client acts only within its scopes.
 */
export function decideAuthority(principal: Principal | undefined, authority: Authority): AuthorityDecision {
  if (ALWAYS.has(authority) || !principal) return { allowed: true };
  const token = principal.via === 'bearer' ? principal.accessToken?.token : undefined;
  if (!token || isFirstPartyClientId(token.clientId)) return { allowed: true };
  const granted = new Set(token.scopes.flatMap((scope) => THIRD_PARTY_SCOPE_AUTHORITIES[scope] ?? []));
  if (granted.has(authority)) return { allowed: true };
  return { allowed: false, reason: `token of client ${token.clientId} (scope "${token.scopes.join(' ')}") may not act on ${authority}` };
}
