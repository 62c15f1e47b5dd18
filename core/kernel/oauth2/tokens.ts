import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Auditor, RequestMeta } from '../audit.js';
import { addSeconds, epochSeconds, type Clock } from '../../clock.js';
import { randomToken, sha256Hex } from '../../crypto.js';
import type { Account } from '../model.js';
import type { KernelStore } from '../ports.js';
import type { OAuth2Client } from './clients.js';
import type { LoadedKey } from './keys.js';
import type { OAuth2Token } from './model.js';
import { sameScopes } from './scopes.js';

/** RFC 6749 §5.1 successful response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token?: string;
  id_token?: string;
  scope?: string;
}

export interface IssueRequest {
  client: OAuth2Client;
  account: Account;
  grantId: number;
  scopes: string[];
  /** OpenID Connect nonce from the authorization request (OIDC Core §3.1.2.1) */
  nonce?: string | null;
  /** when the account authenticated for the grant (ID token `auth_time`, OIDC Core §2) */
  authTime?: Date | null;
  /** a new grant (code, password) may reuse a token and revoke older grants; a refresh may not */
  fresh: boolean;
  /** the signing key, loaded before the transaction (the key ring reads through the pool) */
  key: LoadedKey;
  /** the key of the client's ID-token algorithm, when it differs from `key` */
  idTokenKey?: LoadedKey;
  /** extra access-token claims a first-party face adds (the portal's `org`, RFC 8693 `act`) */
  claims?: Readonly<Record<string, unknown>>;
  /** false for a face's own sign-in: its login already wrote the attempt's one audit row */
  audited?: boolean;
}

/**
 * Mints and records tokens. Access tokens are JWTs (RFC 9068 profile) signed with the current
 * key; each has a row keyed by the hash of its `jti`, so revocation and introspection are decided
 * in the database. Refresh tokens are opaque 256-bit values stored hashed.
 */
export class TokenIssuer {
  constructor(
    private readonly clock: Clock,
    private readonly auditor: Auditor,
    private readonly issuer: string,
  ) {}

  async issue(store: KernelStore, request: IssueRequest, meta: RequestMeta): Promise<TokenResponse> {
    const { client, account, grantId, scopes } = request;
    const now = this.clock.now();
    const audit = async (message: string) => {
      if (request.audited !== false) await this.auditor.record(store.audit, meta, { accountId: account.id, level: 'info', module: 'auth:oauth2', message });
    };

    let access: { row: OAuth2Token; jti: string } | undefined;
    if (request.fresh && client.settings.reuseToken) access = await this.reusable(store, client, account, grantId, scopes);
    if (!access) {
      if (request.fresh && client.settings.revokeOldTokens) await store.oauth2.revokeGrantsFor(account.id, client.id, now, grantId);
      const jti = randomUUID();
      const row = await store.oauth2.insertToken({
        grantId,
        type: 'access_token',
        tokenHash: sha256Hex(jti),
        jti,
        accountId: account.id,
        clientId: client.id,
        scopes,
        at: now,
        expiresAt: addSeconds(now, client.settings.tokenExpiresSeconds),
      });
      if (!request.fresh && client.settings.revokeOldTokens) await store.oauth2.revokeAccessTokensOfGrant(grantId, now, row.id);
      access = { row, jti };
      await audit('Issued OAuth2 access_token');
    }
    const response: TokenResponse = {
      access_token: await this.accessJwt(request.key, access.row, access.jti, account, request.claims),
      token_type: 'Bearer',
      expires_in: Math.max(0, epochSeconds(access.row.expiresAt) - epochSeconds(now)),
    };
    if (client.settings.issueRefreshToken) {
      const refresh = randomToken(32);
      await store.oauth2.insertToken({
        grantId,
        type: 'refresh_token',
        tokenHash: sha256Hex(refresh),
        accountId: account.id,
        clientId: client.id,
        scopes,
        at: now,
        expiresAt: addSeconds(now, client.settings.refreshExpiresSeconds),
      });
      response.refresh_token = refresh;
      await audit('Issued OAuth2 refresh_token');
    }
    if (client.oidc && scopes.includes('openid')) response.id_token = await this.idToken(request.idTokenKey ?? request.key, client, account, scopes, request.nonce ?? null, request.authTime ?? null);
    if (scopes.length) response.scope = scopes.join(' ');
    return response;
  }

  /**
   * reuseToken: a live access token of the same client, account and exact scopes is answered
   * again (same jti and expiry) instead of minting another. It moves into the new grant, so a
   * replay of the code that handed it out revokes it too.
   */
  private async reusable(store: KernelStore, client: OAuth2Client, account: Account, grantId: number, scopes: string[]) {
    const live = await store.oauth2.listLive(account.id, this.clock.now(), client.id);
    const row = live.find((t) => t.type === 'access_token' && t.jti && sameScopes(t.scopes, scopes));
    if (!row?.jti) return undefined;
    await store.oauth2.moveToGrant(row.id, grantId);
    return { row: { ...row, grantId }, jti: row.jti };
  }

  private async accessJwt(key: LoadedKey, row: OAuth2Token, jti: string, account: Account, claims: IssueRequest['claims'] = {}): Promise<string> {
    return new SignJWT({ ...claims, scope: row.scopes.join(' '), client_id: row.clientId })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
      .setIssuer(this.issuer)
      .setSubject(account.uuid)
      .setAudience(row.clientId)
      .setJti(jti)
      .setIssuedAt(epochSeconds(row.createdAt))
      .setExpirationTime(epochSeconds(row.expiresAt))
      .sign(key.privateKey);
  }

  /** OIDC Core §2: iss, sub, aud, exp, iat, nonce; claims gated by scope (§5.4). */
  async idToken(key: LoadedKey, client: OAuth2Client, account: Account, scopes: string[], nonce: string | null, authTime: Date | null = null): Promise<string> {
    const now = this.clock.now();
    const claims: Record<string, unknown> = {};
    if (nonce) claims.nonce = nonce;
    if (authTime) claims.auth_time = epochSeconds(authTime);
    if (scopes.includes('email') && account.email) claims.email = account.email;
    if (scopes.includes('username') || scopes.includes('profile')) {
      claims.name = account.displayName;
      claims.preferred_username = account.username;
    }
    return new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setSubject(account.uuid)
      .setAudience(client.id)
      .setIssuedAt(epochSeconds(now))
      .setExpirationTime(epochSeconds(addSeconds(now, client.settings.tokenExpiresSeconds)))
      .sign(key.privateKey);
  }
}
