import type { RequestMeta } from '../audit.js';
import type { Account } from '../model.js';
import type { OAuth2Client } from './clients.js';
import type { OAuth2Deps } from './deps.js';
import { findPresented } from './introspection.js';

/**
 * Gatehouse's own faces (platform local login and bootstrap, and the faces that follow) hand out
 * bearer tokens too. They are ordinary access tokens of a built-in client per face, each under a
 * grant row, so every revocation path (logout, revoke-all, password change, deactivation) that
 * works for OAuth2 clients works for them, on every instance.
 */
export function firstPartyClient(face: string, tokenExpiresSeconds: number): OAuth2Client {
  return {
    id: `gatehouse:${face}`,
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
}

export async function issueFirstPartyToken(deps: OAuth2Deps, client: OAuth2Client, account: Account, meta: RequestMeta): Promise<FirstPartyToken> {
  const now = deps.clock.now();
  const key = await deps.keys.signingKey();
  const response = await deps.store.transaction(async (tx) => {
    const grant = await tx.oauth2.insertGrant({ accountId: account.id, clientId: client.id, scopes: [], origin: 'first-party', at: now });
    return deps.tokens.issue(tx, { client, account, grantId: grant.id, scopes: [], fresh: true, key }, meta);
  });
  return { accessToken: response.access_token, expiresIn: response.expires_in };
}

/**
 * The account behind a bearer access token from any face or client: signature from one of our
 * keys, then the row decides (not revoked, grant not revoked, not expired, account active).
 */
export async function accountForAccessToken(deps: OAuth2Deps, token: string): Promise<Account | undefined> {
  const row = await findPresented(deps, token);
  const now = deps.clock.now();
  if (!row || row.type !== 'access_token' || row.revokedAt || row.grantRevokedAt || row.expiresAt <= now) return undefined;
  const account = await deps.store.accounts.findById(row.accountId);
  return account?.active ? account : undefined;
}
