import { createHash } from 'node:crypto';
import { GatehouseError } from '../../errors.js';
import type { OAuth2Client } from './clients.js';

/** An RFC 6749 §5.2 error: `bad_request` rendered with the given `error` code (400). */
export function oauthError(error: string, description: string, logDetail?: string): GatehouseError {
  return new GatehouseError('bad_request', { reason: error, message: description, logDetail });
}

/** Space-separated scopes (RFC 6749 §3.3), lower-cased and de-duplicated, in request order. */
export function parseScopes(scope: string | undefined): string[] {
  return [...new Set((scope ?? '').toLowerCase().split(/\s+/).filter(Boolean))];
}

/** Every requested scope must be allowed for the client; `openid` is implied for OIDC clients. */
export function assertScopesAllowed(client: OAuth2Client, scopes: readonly string[]): void {
  const allowed = new Set(client.oidc ? [...client.scopes, 'openid'] : client.scopes);
  const refused = scopes.filter((s) => !allowed.has(s));
  if (refused.length) throw oauthError('invalid_scope', 'Invalid scopes', `not allowed for ${client.id}: ${refused.join(' ')}`);
}

export function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s) => b.includes(s));
}

/** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** RFC 7636 §4.1: 43..128 unreserved characters. */
export function isValidVerifier(verifier: string): boolean {
  return /^[A-Za-z0-9._~-]{43,128}$/.test(verifier);
}
