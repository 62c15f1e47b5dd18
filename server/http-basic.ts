import type { BasicCredentials, PresentedCredentials } from '../core/kernel/presented.js';

/**
 * `Authorization: Basic base64(user ":" password)` (RFC 7617 §2): the scheme name is
 * case-insensitive, the credentials are decoded as UTF-8 and split at the first colon (a user-id
 * cannot contain one; a password can). Anything else is not Basic credentials.
 */
export function decodeBasic(header: string | undefined): BasicCredentials | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The request's `Authorization` header, decoded once for every scheme a face may read. */
export function presentedCredentials(header: string | undefined): PresentedCredentials {
  const value = header?.trim() ?? '';
  if (/^Basic\s/i.test(value)) return { basic: decodeBasic(value) ?? 'malformed' };
  const bearer = /^Bearer\s+(\S+)$/i.exec(value)?.[1];
  return bearer ? { bearer } : {};
}
