import { createHash, randomUUID } from 'node:crypto';
import { addSeconds, type Clock } from '../../clock.js';
import { randomToken, sha256Hex } from '../../crypto.js';
import type { Account } from '../../kernel/model.js';
import type { Store } from '../../kernel/ports.js';
import type { CredentialRecord } from './ports.js';

/** Recognisable prefix, so secret scanners (GitHub push protection, gitleaks) can find leaks. */
export const API_KEY_PREFIX = 'ghk_';

/** The token types that authenticate API calls; the SCIM token is accepted only by SCIM. */
const AUTHENTICATING_TYPES = new Set(['API_TOKEN', 'SERVICE_API_TOKEN']);

/** A new token secret: the prefix and 256 random bits (base64url, 43 characters). */
export function newTokenSecret(): string {
  return `${API_KEY_PREFIX}${randomToken(32)}`;
}

/** F5's `gc_spec.digest`: SHA-1 (hex) of the credential. Never used to look a token up. */
export function sha1Hex(value: string | Uint8Array): string {
  return createHash('sha1').update(value).digest('hex');
}

/** A credential counts as active only while it is enabled, not revoked and unexpired. */
export function isActive(credential: CredentialRecord, now: Date): boolean {
  return credential.enabled && !credential.revokedAt && credential.expiresAt > now;
}

/**
 * API tokens as bearer secrets (`Authorization: APIToken` on the credentials face, `X-API-Key` on
 * the platform face): 256-bit secrets shown once, stored as SHA-256, each carrying the authority
 * of the account it was issued for. Every check reads the database, so a revocation, a disable or
 * an expiry takes effect on every instance at once.
 */
export class ApiKeyService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async issue(account: Account, name: string, type: 'API_TOKEN' | 'SERVICE_API_TOKEN', ttlSeconds: number): Promise<{ uuid: string; secret: string; expiresAt: Date }> {
    const secret = newTokenSecret();
    const now = this.clock.now();
    const uuid = randomUUID();
    const expiresAt = addSeconds(now, ttlSeconds);
    await this.store.apiCredentials.insert({ uuid, name, type, accountId: account.id, tokenHash: sha256Hex(secret), digest: sha1Hex(secret), createdBy: account.email ?? account.username, at: now, expiresAt });
    return { uuid, secret, expiresAt };
  }

  /** The live credential and account behind a presented token; looked up by hash, so no timing oracle on the secret. */
  async authenticate(secret: string): Promise<{ account: Account; credential: CredentialRecord } | undefined> {
    if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 256) return undefined;
    const credential = await this.store.apiCredentials.findByHash(sha256Hex(secret));
    if (!credential || !AUTHENTICATING_TYPES.has(credential.type) || !isActive(credential, this.clock.now())) return undefined;
    const account = await this.store.accounts.findById(credential.accountId);
    return account?.active ? { account, credential } : undefined;
  }

  async accountFor(secret: string): Promise<Account | undefined> {
    return (await this.authenticate(secret))?.account;
  }
}
