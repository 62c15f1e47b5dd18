import { sha256Hex } from '../../crypto.js';
import type { RequestMeta } from '../audit.js';
import type { Account } from '../model.js';
import type { OAuth2Client } from './clients.js';
import type { OAuth2Deps } from './deps.js';
import { findPresented } from './introspection.js';
import type { OAuth2Token } from './model.js';

const FIRST_PARTY_PREFIX = 'gatehouse:';

/** The built-in client id of one of Gatehouse's own faces. */
export const firstPartyClientId = (face: string) => `${FIRST_PARTY_PREFIX}${face}`;

/**
 * Gatehouse's own faces (platform local login and bootstrap, and the faces that follow) hand out
 * bearer tokens too. They are ordinary access tokens of a built-in client per face, each under a
 * grant row, so every revocation path (logout, revoke-all, password change, deactivation) that
 * works for OAuth2 clients works for them, on every instance.
 */
export function firstPartyClient(face: string, tokenExpiresSeconds: number): OAuth2Client {
  return {
    id: firstPartyClientId(face),
    name: `Gatehouse ${face}`,
    author: 'Gatehouse',
    authorUrl: '',
    redirectUris: [],
    scopes: [],
    secretHash: undefined,
    public: false,
    oidc: false,
    idTokenSignedResponseAlg: 'EdDSA',
    settings: {
      codeExpiresSeconds: 60,
      tokenExpiresSeconds,
      refreshExpiresSeconds: 60,
      allowAutoGrant: false,
      reuseToken: false,
      allowCredentials: false,
      issueRefreshToken: false,
      revokeOldTokens: false,
    },
  };
}

export interface FirstPartyToken {
  accessToken: string;
  expiresIn: number;
  /** only when `refreshSeconds` was asked for */
  refreshToken?: string;
}

export interface FirstPartyOptions {
  /** stored as the grant's and the token's scopes (the mgmt face's roles) */
  roles?: readonly string[];
  /** extra access-token claims (the portal's `org` and `act`) */
  claims?: Readonly<Record<string, unknown>>;
  /** also issue an opaque refresh token of this lifetime under the same grant (logout revokes both) */
  refreshSeconds?: number;
}

/** A presented access token that is live, with its row, its verified claims and its (active) account. */
export interface LiveAccessToken {
  account: Account;
  token: OAuth2Token;
  /** the JWT's verified payload (a face reads its own claims from it: the portal's `org`, `act`) */
  claims: Readonly<Record<string, unknown>>;
}

/**
 * The bearer tokens of Gatehouse's own faces: issued under a grant of the face's built-in client,
 * checked on every face, ended by logout. Every check reads the token's row, so a revocation
 * anywhere holds on every instance at once.
 */
export class FirstPartyTokens {
  constructor(private readonly deps: OAuth2Deps) {}

  /**
   * `roles` (the mgmt face's) are stored as the grant's and the token's scopes: the token then
   * carries the roles fixed at login for its whole life, on every instance, and token-info reads
   * them back from the row.
   */
  async issue(faceName: string, account: Account, meta: RequestMeta, options: FirstPartyOptions = {}): Promise<FirstPartyToken> {
    const { deps } = this;
    const face = firstPartyClient(faceName, deps.firstPartyTokenSeconds);
    const now = deps.clock.now();
    const key = await deps.keys.signingKey();
    const scopes = [...(options.roles ?? [])];
    const refresh = options.refreshSeconds;
    const client = refresh === undefined ? face : { ...face, settings: { ...face.settings, issueRefreshToken: true, refreshExpiresSeconds: refresh } };
    const response = await deps.store.transaction(async (tx) => {
      const grant = await tx.oauth2.insertGrant({ accountId: account.id, clientId: client.id, scopes, origin: 'first-party', at: now, authTime: now, claims: options.claims ?? null });
      return deps.tokens.issue(tx, { client, account, grantId: grant.id, scopes, fresh: true, key, audited: false, ...(options.claims ? { claims: options.claims } : {}) }, meta);
    });
    return { accessToken: response.access_token, expiresIn: response.expires_in, ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}) };
  }

  /**
   * Redeems a face's refresh token for a new pair under the same grant (RFC 9700 §4.14.2
   * rotation): the old one is consumed by conditional update; a consumed one presented again is
   * theft, and the whole sign-in (grant) is revoked. The pair keeps the sign-in's claims and its
   * end: a refresh never extends a sign-in. Undefined for anything that does not redeem.
   */
  async refresh(faceName: string, presented: string, meta: RequestMeta): Promise<FirstPartyToken | undefined> {
    const { deps } = this;
    const now = deps.clock.now();
    const token = await deps.store.oauth2.findToken('refresh_token', sha256Hex(presented));
    if (!token || token.clientId !== firstPartyClientId(faceName)) return undefined;
    const replayed = async () => {
      await deps.store.oauth2.revokeGrant(token.grantId, now);
      await deps.auditor.record(deps.store.audit, meta, { accountId: token.accountId, level: 'warn', module: `auth:${faceName}`, message: 'Refresh token used twice; the sign-in is revoked' });
      return undefined;
    };
    if (token.usedAt) return replayed();
    if (token.revokedAt || token.grantRevokedAt || token.expiresAt <= now) return undefined;
    const account = await deps.store.accounts.findById(token.accountId);
    if (!account?.active) return undefined;
    const key = await deps.keys.signingKey();
    const face = firstPartyClient(faceName, deps.firstPartyTokenSeconds);
    const remaining = Math.max(1, Math.floor((token.expiresAt.getTime() - now.getTime()) / 1000));
    const client = { ...face, settings: { ...face.settings, issueRefreshToken: true, refreshExpiresSeconds: remaining } };
    const outcome = await deps.store.transaction(async (tx) => {
      if (!(await tx.oauth2.consume(token.id, now))) return 'replayed' as const;
      const claims = token.grantClaims ?? undefined;
      return deps.tokens.issue(tx, { client, account, grantId: token.grantId, scopes: token.scopes, authTime: token.grantAuthTime, fresh: false, key, audited: false, ...(claims ? { claims } : {}) }, meta);
    });
    if (outcome === 'replayed') return replayed();
    return { accessToken: outcome.access_token, expiresIn: outcome.expires_in, ...(outcome.refresh_token ? { refreshToken: outcome.refresh_token } : {}) };
  }

  /**
   * The account behind a bearer access token from any face or client: signature from one of our
   * keys, then the row decides (not revoked, grant not revoked, not expired, account active).
   */
  async verify(token: string): Promise<LiveAccessToken | undefined> {
    const { deps } = this;
    const presented = await findPresented(deps, token);
    const now = deps.clock.now();
    const row = presented?.row;
    if (!row || row.type !== 'access_token' || row.revokedAt || row.grantRevokedAt || row.expiresAt <= now) return undefined;
    const { account } = presented;
    return account.active ? { account, token: row, claims: presented.claims } : undefined;
  }

  /**
   * Logout ends this token only. A first-party token is alone in its grant, so the grant goes
   * (every revocation check reads it); a third-party client's access token shares its grant with
   * that client's refresh token, which is not this token: it is revoked alone (RFC 7009 §2.1).
   */
  async end(live: LiveAccessToken): Promise<void> {
    const now = this.deps.clock.now();
    if (isFirstPartyClientId(live.token.clientId)) await this.deps.store.oauth2.revokeGrant(live.token.grantId, now);
    else await this.deps.store.oauth2.revokeToken(live.token.id, now);
  }

  /** Ends a grant: its access token and every refresh token issued under it, everywhere. */
  async revokeGrant(grantId: number): Promise<void> {
    await this.deps.store.oauth2.revokeGrant(grantId, this.deps.clock.now());
  }
}

/** Whether a token's client is one of Gatehouse's own faces (its grant holds that token alone). */
export function isFirstPartyClientId(clientId: string): boolean {
  return clientId.startsWith(FIRST_PARTY_PREFIX);
}
