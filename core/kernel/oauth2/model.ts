/** The OAuth2 server's domain objects; db/repositories/oauth2.ts maps rows to these. */

export type OAuth2TokenType = 'code' | 'access_token' | 'refresh_token';

/** How a grant came to be: a consent code redemption, the password grant (RFC 6749 §4.1, §4.3), or a login on one of Gatehouse's own faces. */
export type GrantOrigin = 'authorization_code' | 'password' | 'first-party';

export interface OAuth2Grant {
  id: number;
  accountId: number;
  clientId: string;
  scopes: string[];
  origin: GrantOrigin;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface OAuth2Token {
  id: number;
  grantId: number;
  type: OAuth2TokenType;
  /** SHA-256 hex of the code, the refresh token, or the access token's `jti` */
  tokenHash: string;
  accountId: number;
  clientId: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
  /** revocation time of the grant behind it (a revoked family revokes all its tokens) */
  grantRevokedAt: Date | null;
  /** when the account authenticated for the grant behind it (OIDC `auth_time`), if known */
  grantAuthTime: Date | null;
  /** extra access-token claims of the first-party sign-in behind it (the portal's `org`, `act`) */
  grantClaims: Readonly<Record<string, unknown>> | null;
  redirectUri: string | null;
  codeChallenge: string | null;
  nonce: string | null;
  /** access tokens: the JWT id */
  jti: string | null;
}

export interface NewOAuth2Token {
  grantId: number;
  type: OAuth2TokenType;
  tokenHash: string;
  accountId: number;
  clientId: string;
  scopes: string[];
  at: Date;
  expiresAt: Date;
  redirectUri?: string | null;
  codeChallenge?: string | null;
  nonce?: string | null;
  jti?: string | null;
}

/**
 * The JWS algorithms Gatehouse signs with: EdDSA (Ed25519) for everything by default; RS256 for
 * the ID tokens of relying parties that verify nothing else (OIDC Core §15.1 makes RS256 the one
 * every provider must offer).
 */
export type SigningAlg = 'EdDSA' | 'RS256';
export const SIGNING_ALGS: readonly SigningAlg[] = ['EdDSA', 'RS256'];

export interface SigningKeyRecord {
  kid: string;
  alg: SigningAlg;
  /** public JWK as JSON */
  publicJwk: string;
  /** private JWK sealed with the master key */
  privateJwkSealed: string;
  createdAt: Date;
  retiredAt: Date | null;
}
