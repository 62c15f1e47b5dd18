import { decodeJwt } from 'jose';
import type { RequestMeta } from '../audit.js';
import { sha256Hex } from '../../crypto.js';
import { GatehouseError } from '../../errors.js';
import type { Account } from '../model.js';
import type { OAuth2Deps } from './deps.js';
import type { OAuth2Token } from './model.js';

/** One of the account's live codes or tokens, as the account may see it (never the secret). */
export interface TokenSummary {
  clientId: string;
  clientName: string;
  createdAt: Date;
  expiresAt: Date;
  /** 8 hex characters of the stored hash */
  shortToken: string;
  type: OAuth2Token['type'];
}

/** 8 hex characters of the stored hash: shows which token is which, reveals nothing usable. */
export const shortToken = (token: OAuth2Token) => token.tokenHash.slice(0, 8);

/** GET /auth/oauth2/client: the account's live codes and tokens across all clients. */
export async function listTokens(deps: OAuth2Deps, account: Account): Promise<TokenSummary[]> {
  const live = await deps.store.oauth2.listLive(account.id, deps.clock.now());
  const names = new Map<string, string>();
  for (const clientId of new Set(live.map((t) => t.clientId))) names.set(clientId, (await deps.clients.find(clientId))?.name ?? clientId);
  return live.map((t) => ({
    clientId: t.clientId,
    // A client removed from config still shows (the original crashed on it).
    clientName: names.get(t.clientId)!,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    shortToken: shortToken(t),
    type: t.type,
  }));
}

/** Hashes a presented value may match: the value itself (codes, refresh) or an access token's jti. */
function candidateHashes(token: string): string[] {
  const hashes = [sha256Hex(token)];
  try {
    const { jti } = decodeJwt(token);
    if (typeof jti === 'string') hashes.push(sha256Hex(jti));
  } catch {
    // not a JWT
  }
  return hashes;
}

/**
 * DELETE /auth/oauth2/token: the account withdraws what it gave a client, everywhere at once.
 * Without `token`, every grant for the client; with it, that token (a code or refresh token takes
 * its whole grant along). Answers the remaining list.
 */
export async function revokeForAccount(deps: OAuth2Deps, account: Account, clientId: string, token: string | undefined, meta: RequestMeta): Promise<TokenSummary[]> {
  const now = deps.clock.now();
  if (token === undefined) {
    await deps.store.oauth2.revokeGrantsFor(account.id, clientId, now);
  } else {
    const live = await deps.store.oauth2.listLive(account.id, now, clientId);
    const hashes = candidateHashes(token);
    const match = live.find((t) => shortToken(t) === token || hashes.includes(t.tokenHash));
    if (!match) throw new GatehouseError('not_found', { reason: 'token-not-found', message: 'no such token for this client' });
    if (match.type === 'access_token') await deps.store.oauth2.revokeToken(match.id, now);
    else await deps.store.oauth2.revokeGrant(match.grantId, now);
  }
  await deps.auditor.record(deps.store.audit, meta, { accountId: account.id, level: 'info', module: 'auth:oauth2', message: 'Revoked OAuth2 tokens' });
  return listTokens(deps, account);
}
