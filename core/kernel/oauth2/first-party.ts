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

/**
 * `roles` (the mgmt face's) are stored as the grant's and the token's scopes: the token then
 * carries the roles fixed at login for its whole life, on every instance, and token-info reads
 * them back from the row.
 */
export async function issueFirstPartyToken(deps: OAuth2Deps, face: OAuth2Client, account: Account, meta: RequestMeta, options: FirstPartyOptions = {}): Promise<FirstPartyToken> {
  const now = deps.clock.now();
  const key = await deps.keys.signingKey();
  const scopes = [...(options.roles ?? [])];
  const refresh = options.refreshSeconds;
  const client = refresh === undefined ? face : { ...face, settings: { ...face.settings, issueRefreshToken: true, refreshExpiresSeconds: refresh } };
  const response = await deps.store.transaction(async (tx) => {
    const grant = await tx.oauth2.insertGrant({ accountId: account.id, clientId: client.id, scopes, origin: 'first-party', at: now });
    return deps.tokens.issue(tx, { client, account, grantId: grant.id, scopes, fresh: true, key, audited: false, ...(options.claims ? { claims: options.claims } : {}) }, meta);
  });
  return { accessToken: response.access_token, expiresIn: response.expires_in, ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}) };
}

/** A presented access token that is live, with its row and its (active) account. */
export interface LiveAccessToken {
  account: Account;
  token: OAuth2Token;
}

/**
 * The account behind a bearer access token from any face or client: signature from one of our
 * keys, then the row decides (not revoked, grant not revoked, not expired, account active).
 */
export async function liveAccessToken(deps: OAuth2Deps, token: string): Promise<LiveAccessToken | undefined> {
  const row = await findPresented(deps, token);
  const now = deps.clock.now();
  if (!row || row.type !== 'access_token' || row.revokedAt || row.grantRevokedAt || row.expiresAt <= now) return undefined;
  const account = await deps.store.accounts.findById(row.accountId);
  return account?.active ? { account, token: row } : undefined;
}

/** Whether a token's client is one of Gatehouse's own faces (its grant holds that token alone). */
export function isFirstPartyClientId(clientId: string): boolean {
  return clientId.startsWith(FIRST_PARTY_PREFIX);
}
