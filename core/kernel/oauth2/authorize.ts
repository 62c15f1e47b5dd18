import type { RequestMeta } from '../audit.js';
import { addSeconds } from '../../clock.js';
import { randomToken, sha256Hex } from '../../crypto.js';
import { GatehouseError } from '../../errors.js';
import type { Account } from '../model.js';
import type { OAuth2Client } from './clients.js';
import type { OAuth2Deps } from './deps.js';
import { assertScopesAllowed, oauthError, parseScopes, sameScopes } from './scopes.js';

/** The consent page's request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1). */
export interface AuthorizeRequest {
  clientId: string;
  responseType: string;
  redirectUri: string;
  scope?: string | undefined;
  state?: string | undefined;
  auto?: boolean | undefined;
  codeChallenge?: string | undefined;
  codeChallengeMethod?: string | undefined;
  nonce?: string | undefined;
  /** when the signed-in account authenticated (its session's sign-in), for the ID token's `auth_time` */
  authTime?: Date | undefined;
}

/**
 * Checks an authorization request against the client's registration. The consent page runs it
 * before showing anything, and never redirects to a URI that failed it (RFC 6749 §4.1.2.1: an
 * unchecked redirect_uri makes the server an open redirector).
 */
export async function checkAuthorizeRequest(deps: OAuth2Deps, request: AuthorizeRequest): Promise<{ client: OAuth2Client; scopes: string[] }> {
  if (request.responseType !== 'code') throw oauthError('invalid_request', 'Expected response_type to be code');
  const client = await deps.clients.find(request.clientId);
  if (!client) throw oauthError('invalid_client', 'Unknown client id');
  if (!client.redirectUris.includes(request.redirectUri)) throw oauthError('invalid_request', 'Unknown redirect URI');
  const scopes = parseScopes(request.scope);
  assertScopesAllowed(client, scopes);
  if (request.codeChallenge !== undefined || request.codeChallengeMethod !== undefined) {
    // RFC 7636 §4.3: a missing method means `plain`, which gives no protection against a
    // leaked authorization request; only S256 is accepted.
    if (request.codeChallengeMethod !== 'S256') throw oauthError('invalid_request', 'code_challenge_method must be S256');
    if (!request.codeChallenge || !/^[A-Za-z0-9._~-]{43,128}$/.test(request.codeChallenge)) throw oauthError('invalid_request', 'code_challenge is malformed');
  } else if (client.public) {
    throw oauthError('invalid_request', 'PKCE (S256 code_challenge) is required for this client');
  }
  return { client, scopes };
}

/** POST /auth/oauth2/grant: the signed-in account consents; the answer is a single-use code. */
export async function authorize(deps: OAuth2Deps, account: Account, request: AuthorizeRequest, meta: RequestMeta): Promise<{ code: string; state?: string }> {
  if (!deps.webgrant) throw new GatehouseError('not_found', { reason: 'invalid_request', message: 'the web grant is disabled' });
  const { client, scopes } = await checkAuthorizeRequest(deps, request);
  const now = deps.clock.now();
  if (request.auto) {
    if (!client.settings.allowAutoGrant) throw oauthError('invalid_request', 'Auto granting not allowed');
    // Silent re-consent only for exactly what the account already granted and still holds.
    const live = await deps.store.oauth2.listLive(account.id, now, client.id);
    if (!live.some((t) => t.type === 'access_token' && sameScopes(t.scopes, scopes))) throw oauthError('invalid_grant', 'no existing token');
  }
  // 256 random bits, stored as SHA-256 only: guessing or reading one from the database is useless.
  const code = randomToken(32);
  await deps.store.transaction(async (tx) => {
    const grant = await tx.oauth2.insertGrant({ accountId: account.id, clientId: client.id, scopes, origin: 'authorization_code', at: now, authTime: request.authTime ?? null });
    await tx.oauth2.insertToken({
      grantId: grant.id,
      type: 'code',
      tokenHash: sha256Hex(code),
      accountId: account.id,
      clientId: client.id,
      scopes,
      at: now,
      expiresAt: addSeconds(now, client.settings.codeExpiresSeconds),
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge ?? null,
      nonce: request.nonce ?? null,
    });
    await deps.auditor.record(tx.audit, meta, { accountId: account.id, level: 'info', module: 'auth:oauth2', message: 'Issued OAuth2 code' });
  });
  return request.state ? { code, state: request.state } : { code };
}
