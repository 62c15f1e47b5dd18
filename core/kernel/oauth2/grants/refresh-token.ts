import { sha256Hex } from '../../../crypto.js';
import { activeAccount, revokeFamilyOnReplay } from '../deps.js';
import { oauthError, parseScopes } from '../scopes.js';
import type { GrantHandler } from './types.js';

const INVALID = 'refresh token is invalid, expired or already used';

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): every use consumes the refresh token and returns
 * a new one in the same family; presenting a consumed one revokes the family.
 */
export const refreshTokenGrant: GrantHandler = {
  required: ['refresh_token'],
  allowsPublicClients: true,
  async handle(deps, client, params, meta) {
    const now = deps.clock.now();
    const token = await deps.store.oauth2.findToken('refresh_token', sha256Hex(params.refresh_token!));
    if (!token || token.clientId !== client.id) throw oauthError('invalid_grant', INVALID, token ? 'refresh token of another client' : 'unknown refresh token');
    if (token.usedAt) return revokeFamilyOnReplay(deps, token.grantId, token.accountId, 'refresh token', meta);
    if (token.revokedAt || token.grantRevokedAt) throw oauthError('invalid_grant', INVALID, 'refresh token revoked');
    if (token.expiresAt <= now) throw oauthError('invalid_grant', INVALID, 'refresh token expired');
    // §6: a narrower scope may be asked for, never a wider one.
    const scopes = params.scope === undefined ? token.scopes : parseScopes(params.scope);
    if (scopes.some((s) => !token.scopes.includes(s))) throw oauthError('invalid_scope', 'scope exceeds the original grant');
    const account = await activeAccount(deps, token.accountId);
    const key = await deps.keys.signingKey();
    const idTokenKey = await deps.keys.signingKey(client.idTokenSignedResponseAlg);

    const outcome = await deps.store.transaction(async (tx) => {
      if (!(await tx.oauth2.consume(token.id, now))) return 'replayed' as const;
      return deps.tokens.issue(tx, { client, account, grantId: token.grantId, scopes, authTime: token.grantAuthTime, fresh: false, key, idTokenKey }, meta);
    });
    if (outcome === 'replayed') return revokeFamilyOnReplay(deps, token.grantId, token.accountId, 'refresh token', meta);
    return outcome;
  },
};
