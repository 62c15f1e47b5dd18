import { constantTimeEqual, sha256Hex } from '../../../crypto.js';
import { activeAccount, revokeFamilyOnReplay } from '../deps.js';
import { isValidVerifier, oauthError, s256 } from '../scopes.js';
import type { GrantHandler } from './types.js';

const INVALID = 'authorization code is invalid, expired or already used';

/** RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.6). */
export const authorizationCodeGrant: GrantHandler = {
  required: ['code', 'redirect_uri'],
  allowsPublicClients: true,
  async handle(deps, client, params, meta) {
    const now = deps.clock.now();
    const code = await deps.store.oauth2.findToken('code', sha256Hex(params.code!));
    // A code of another client is treated as unknown (RFC 6749 §4.1.3: issued to this client).
    if (!code || code.clientId !== client.id) throw oauthError('invalid_grant', INVALID, code ? 'code of another client' : 'unknown code');
    if (code.usedAt) return revokeFamilyOnReplay(deps, code.grantId, code.accountId, 'authorization code', meta);
    if (code.revokedAt || code.grantRevokedAt) throw oauthError('invalid_grant', INVALID, 'code revoked');
    if (code.expiresAt <= now) throw oauthError('invalid_grant', INVALID, 'code expired');
    // §4.1.3: redirect_uri must be identical to the one the code was issued for.
    if (params.redirect_uri !== code.redirectUri) throw oauthError('invalid_grant', 'redirect_uri does not match the authorization request', 'redirect_uri mismatch');
    const pkceFailure = checkPkce(code.codeChallenge, params.code_verifier);
    if (pkceFailure) {
      // A wrong verifier burns the code: whoever intercepted it gets one guess, not an unbounded
      // series while the code lives (RFC 7636 §1, RFC 9700 §2.1.1); the client starts over.
      await deps.store.oauth2.consume(code.id, now);
      throw pkceFailure;
    }
    const account = await activeAccount(deps, code.accountId);
    const key = await deps.keys.signingKey();
    const idTokenKey = await deps.keys.signingKey(client.idTokenSignedResponseAlg);

    const outcome = await deps.store.transaction(async (tx) => {
      // Single use: of two concurrent redemptions exactly one wins this conditional UPDATE.
      if (!(await tx.oauth2.consume(code.id, now))) return 'replayed' as const;
      return deps.tokens.issue(tx, { client, account, grantId: code.grantId, scopes: code.scopes, nonce: code.nonce, authTime: code.grantAuthTime, fresh: true, key, idTokenKey }, meta);
    });
    if (outcome === 'replayed') return revokeFamilyOnReplay(deps, code.grantId, code.accountId, 'authorization code', meta);
    return outcome;
  },
};

/**
 * A code issued with a challenge needs the matching verifier; one issued without may not be
 * redeemed with a verifier either (a mismatch of what was authorized: PKCE downgrade, RFC 9700
 * §4.8.2). Only S256 challenges are ever stored.
 */
function checkPkce(challenge: string | null, verifier: string | undefined): Error | undefined {
  if (challenge === null) {
    return verifier === undefined ? undefined : oauthError('invalid_grant', 'code_verifier given for a code issued without code_challenge', 'PKCE downgrade: verifier without challenge');
  }
  if (verifier === undefined) return oauthError('invalid_grant', 'code_verifier required', 'PKCE downgrade: challenge without verifier');
  if (!isValidVerifier(verifier) || !constantTimeEqual(s256(verifier), challenge)) return oauthError('invalid_grant', 'code_verifier does not match the code_challenge', 'PKCE mismatch');
  return undefined;
}
