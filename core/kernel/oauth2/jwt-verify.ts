import { verify, type KeyObject } from 'node:crypto';
import type { JWTPayload } from 'jose';

/**
 * Verifies one of Gatehouse's own EdDSA (Ed25519) access tokens on the calling thread with
 * node:crypto, synchronously (tens of microseconds). jose verifies through WebCrypto, whose jobs
 * queue on the libuv thread pool behind password hashes: during a login storm every token check
 * waited for bcrypt. Only what Gatehouse signs is accepted: a compact JWS with `alg: EdDSA`, a
 * JSON object payload from `issuer`, unexpired (`exp` required, as jose's default check of
 * Gatehouse's tokens had it), and not before its `nbf`. Returns undefined for anything else.
 */
export function verifyOwnEdDsaJwt(token: string, key: KeyObject, issuer: string, now: Date): JWTPayload | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  const protectedHeader = parseJson(header);
  // RFC 8725 §3.1: the algorithm is ours to choose, never the token's.
  if (protectedHeader?.alg !== 'EdDSA' || protectedHeader.crit !== undefined) return undefined;
  if (!verify(null, Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))) return undefined;
  const claims = parseJson(payload) as JWTPayload | undefined;
  if (!claims || claims.iss !== issuer) return undefined;
  const seconds = Math.floor(now.getTime() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= seconds) return undefined;
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > seconds)) return undefined;
  return claims;
}

function parseJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
