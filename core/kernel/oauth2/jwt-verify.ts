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
  if (!signatureHolds(token, header, payload, signature, key)) return undefined;
  const claims = parseJson(payload) as JWTPayload | undefined;
  if (!claims || claims.iss !== issuer) return undefined;
  const seconds = Math.floor(now.getTime() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= seconds) return undefined;
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > seconds)) return undefined;
  return claims;
}

/** Per key, the tokens whose signature it verified: most recently verified last, at most this many. */
const verifiedByKey = new WeakMap<KeyObject, Set<string>>();
const REMEMBERED_PER_KEY = 1024;

/**
 * An Ed25519 check costs ~80 µs; a service behind Gatehouse presents the same token on every call.
 * A signature that verified once verifies again, so the exact token strings a key verified are
 * remembered (bounded, per key, the oldest forgotten first). This caches only the signature: the
 * claims are checked again on every call and the token's row still decides (revocation stays
 * instant). A failed check is never remembered.
 */
function signatureHolds(token: string, header: string, payload: string, signature: string, key: KeyObject): boolean {
  let remembered = verifiedByKey.get(key);
  if (remembered?.has(token)) return true;
  if (!verify(null, Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))) return false;
  if (!remembered) verifiedByKey.set(key, (remembered = new Set()));
  remembered.add(token);
  if (remembered.size > REMEMBERED_PER_KEY) remembered.delete(remembered.values().next().value!);
  return true;
}

function parseJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
