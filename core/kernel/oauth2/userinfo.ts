import { GatehouseError } from '../../errors.js';
import { isFirstPartyClientId, type LiveAccessToken } from './first-party.js';

export interface UserInfoClaims {
  sub: string;
  preferred_username?: string;
  name?: string;
  email?: string;
}

/**
 * OIDC Core §5.3: the claims a token's scopes release, the same ones its ID token carries. A
 * third-party client's token needs `openid` (RFC 6750 §3.1 `insufficient_scope` otherwise); a token
 * of one of Gatehouse's own logins speaks for its account and gets the whole profile.
 */
export function userInfoClaims(live: LiveAccessToken): UserInfoClaims {
  const { account, token } = live;
  const firstParty = isFirstPartyClientId(token.clientId);
  const granted = (scope: string) => firstParty || token.scopes.includes(scope);
  if (!granted('openid')) {
    throw new GatehouseError('insufficient_scope', {
      reason: 'insufficient_scope',
      message: 'the token was not granted the openid scope',
      challenge: 'Bearer error="insufficient_scope", scope="openid"',
      logDetail: `userinfo for a token of ${token.clientId} without openid`,
    });
  }
  const claims: UserInfoClaims = { sub: account.uuid };
  if (granted('profile') || granted('username')) {
    claims.preferred_username = account.username;
    if (account.displayName) claims.name = account.displayName;
  }
  if (granted('email') && account.email) claims.email = account.email;
  return claims;
}
