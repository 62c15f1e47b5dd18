import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { addSeconds, epochSeconds, type Clock } from '../../clock.js';
import { sha256Hex } from '../../crypto.js';
import { GatehouseError } from '../../errors.js';

/** Clock skew allowed on exp, iat and nbf (the contract's 60 seconds). */
export const SKEW_SECONDS = 60;
const DISCOVERY_CACHE_MS = 10 * 60_000;
const FETCH_TIMEOUT_MS = 5_000;
/**
 * Public-key algorithms only: `none` would need no key at all, and with HS256 an attacker signs
 * with the issuer's public key as the HMAC secret (algorithm confusion, CVE-2015-9235 class).
 */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface IdTokenSettings {
  issuer: string;
  /** the `aud` the token must contain */
  audience: string;
}

export interface VerifiedIdToken {
  claims: JWTPayload & { iss: string; sub: string; exp: number };
  /** what the single-use record is keyed by */
  useKey: string;
  /** after this the token fails verification anyway, so its use record may go */
  usableUntil: Date;
}

export const invalidIdToken = (why: string, cause?: unknown) => new GatehouseError('invalid_token', { message: 'invalid id token', logDetail: why, cause });
const unreachable = (why: string, cause?: unknown) => new GatehouseError('upstream_unavailable', { message: 'okta is unreachable', logDetail: why, cause });

/**
 * Verifies an upstream ID token (OIDC Core §3.1.3.7) with jose: the signature against the key set
 * named by the issuer's discovery document, iss, aud, exp, iat and nbf. Time is the injected
 * clock's; the discovery and key caches run on real time (they are about the network).
 */
export class IdTokenVerifier {
  #discovered: { at: number; keys: JWTVerifyGetKey } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly settings: IdTokenSettings,
  ) {}

  async verify(idToken: string): Promise<VerifiedIdToken> {
    const keys = await this.keySet();
    const now = this.clock.now();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: ALGORITHMS,
        clockTolerance: SKEW_SECONDS,
        currentDate: now,
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (error) {
      if (error instanceof GatehouseError) throw error;
      throw invalidIdToken(`verification failed: ${(error as { code?: string }).code ?? 'unknown'}`, error);
    }
    // jose checks iat only with maxTokenAge; a token minted in the future is refused here.
    if (typeof payload.iat !== 'number' || payload.iat > epochSeconds(now) + SKEW_SECONDS) throw invalidIdToken('iat in the future');
    const claims = payload as VerifiedIdToken['claims'];
    // Keyed by what the signature covers, not by the token's text: a JWS signature can be
    // re-encoded (base64url trailing bits, ECDSA s ↔ n−s) into another string for the same token.
    const signedPart = idToken.split('.').slice(0, 2).join('.');
    const useKey = sha256Hex(typeof claims.jti === 'string' ? `${claims.iss}\njti\n${claims.jti}` : `${claims.iss}\nsigned\n${signedPart}`);
    return { claims, useKey, usableUntil: addSeconds(new Date(claims.exp * 1000), SKEW_SECONDS) };
  }

  /**
   * The issuer's key set, found through its discovery document (OIDC Discovery §4), cached. A key
   * id the cached set lacks makes jose fetch the set again (key rotation), at most every 30 s.
   */
  private async keySet(): Promise<JWTVerifyGetKey> {
    if (this.#discovered && Date.now() - this.#discovered.at < DISCOVERY_CACHE_MS) return this.#discovered.keys;
    let metadata: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const response = await fetch(`${this.settings.issuer}/.well-known/openid-configuration`, { redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`discovery answered ${response.status}`);
      metadata = (await response.json()) as typeof metadata;
    } catch (error) {
      throw unreachable('discovery document could not be fetched', error);
    }
    // OIDC Discovery §4.3: the document must name the issuer it was fetched for.
    if (metadata.issuer !== this.settings.issuer || typeof metadata.jwks_uri !== 'string') throw unreachable('discovery document names another issuer or no jwks_uri');
    const remote = createRemoteJWKSet(new URL(metadata.jwks_uri), { timeoutDuration: FETCH_TIMEOUT_MS });
    const keys: JWTVerifyGetKey = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        // No key for the token's kid/alg is the token's fault; anything else is the key set's.
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
        throw unreachable('key set could not be fetched', error);
      }
    };
    this.#discovered = { at: Date.now(), keys };
    return keys;
  }
}
