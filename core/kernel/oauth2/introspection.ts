import { decodeProtectedHeader, type JWTPayload } from 'jose';
import { verifyOwnEdDsaJwt } from './jwt-verify.js';
import type { RequestMeta } from '../audit.js';
import { epochSeconds } from '../../clock.js';
import { sha256Hex } from '../../crypto.js';
import type { OAuth2Client } from './clients.js';
import type { OAuth2Deps } from './deps.js';
import type { OAuth2Token } from './model.js';
import type { Account } from '../model.js';

export interface IntrospectionResponse {
  active: boolean;
  scope?: string;
  client_id?: string;
  token_type?: string;
  iat?: number;
  exp?: number;
  sub?: string;
  aud?: string;
  iss?: string;
  email?: string;
  username?: string;
}

/** RFC 7662 §2.2: an inactive token is described by exactly this and nothing else. */
const INACTIVE: IntrospectionResponse = { active: false };

const looksLikeJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);

/**
 * The row behind a presented access or refresh token, with its account (one joined read). An
 * access token must carry a valid signature from one of our keys and our issuer before its `jti`
 * is looked up (so a forged JWT naming a real jti finds nothing); expiry is left to the row, which
 * is the authority.
 */
export async function findPresented(deps: OAuth2Deps, token: string): Promise<{ row: OAuth2Token; account: Account; claims: Readonly<Record<string, unknown>> } | undefined> {
  if (!token || token.length > 4096) return undefined;
  if (!looksLikeJwt(token)) {
    const found = await deps.store.oauth2.findTokenWithAccount('refresh_token', sha256Hex(token));
    return found ? { row: found.token, account: found.account, claims: {} } : undefined;
  }
  const payload = await verifiedPayload(deps, token);
  if (typeof payload?.jti !== 'string') return undefined;
  const found = await deps.store.oauth2.findTokenWithAccount('access_token', sha256Hex(payload.jti));
  return found ? { row: found.token, account: found.account, claims: payload } : undefined;
}

/**
 * The JWT's payload when one of our keys signed it for our issuer, else undefined. Only the
 * token's own faults mean "unknown token": a store that cannot be reached while the key ring is
 * read is an outage (503), never a reason to call a valid token invalid.
 */
async function verifiedPayload(deps: OAuth2Deps, token: string): Promise<JWTPayload | undefined> {
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    return undefined;
  }
  const key = kid ? await deps.keys.byKid(kid) : undefined;
  // Access tokens are EdDSA; an RS256 key signs ID tokens only, which are no access tokens.
  if (!key || key.alg !== 'EdDSA') return undefined;
  return verifyOwnEdDsaJwt(token, key.verifyKey, deps.issuer, deps.clock.now());
}

/** POST /auth/oauth2/token_info (RFC 7662): only the calling client's live tokens are described. */
export async function introspect(deps: OAuth2Deps, client: OAuth2Client, token: string): Promise<IntrospectionResponse> {
  const presented = await findPresented(deps, token);
  const now = deps.clock.now();
  const row = presented?.row;
  if (!row || row.clientId !== client.id || row.revokedAt || row.grantRevokedAt || row.usedAt || row.expiresAt <= now) return INACTIVE;
  const { account } = presented;
  if (!account.active) return INACTIVE;
  const answer: IntrospectionResponse = {
    active: true,
    client_id: row.clientId,
    token_type: row.type,
    iat: epochSeconds(row.createdAt),
    exp: epochSeconds(row.expiresAt),
    sub: account.uuid,
    aud: row.clientId,
    iss: deps.issuer,
  };
  if (row.scopes.length) answer.scope = row.scopes.join(' ');
  if (row.scopes.includes('email') && account.email) answer.email = account.email;
  if (row.scopes.includes('username')) answer.username = account.username;
  return answer;
}

/**
 * RFC 7009: revoking a refresh token ends its grant (every token issued from it, §2.1); an
 * access token ends alone. Unknown tokens and other clients' tokens change nothing, and the caller
 * cannot tell (§2.2).
 */
export async function revokePresented(deps: OAuth2Deps, client: OAuth2Client, token: string, meta: RequestMeta): Promise<void> {
  const row = (await findPresented(deps, token))?.row;
  if (!row || row.clientId !== client.id) return;
  const now = deps.clock.now();
  const changed = row.type === 'access_token' ? Number(await deps.store.oauth2.revokeToken(row.id, now)) : await deps.store.oauth2.revokeGrant(row.grantId, now);
  if (changed) await deps.auditor.record(deps.store.audit, meta, { accountId: row.accountId, level: 'info', module: 'auth:oauth2', message: 'Revoked OAuth2 tokens' });
}
