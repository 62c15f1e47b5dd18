import { randomUUID } from 'node:crypto';
import { addSeconds, type Clock } from '../clock.js';
import { randomToken, sha256Hex } from '../crypto.js';
import type { Account } from '../model.js';
import type { Store } from '../ports.js';

/** Recognisable prefix, so secret scanners (GitHub push protection, gitleaks) can find leaks. */
export const API_KEY_PREFIX = 'ghk_';

/**
 * Long-lived API keys (`X-API-Key`): 256-bit secrets shown once, stored as SHA-256, each carrying
 * the authority of the account it was issued for.
 */
export class ApiKeyService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async issue(account: Account, name: string, type: 'API_TOKEN' | 'SERVICE_API_TOKEN', ttlSeconds: number): Promise<{ uuid: string; secret: string; expiresAt: Date }> {
    const secret = `${API_KEY_PREFIX}${randomToken(32)}`;
    const now = this.clock.now();
    const uuid = randomUUID();
    const expiresAt = addSeconds(now, ttlSeconds);
    await this.store.apiCredentials.insert({ uuid, name, type, accountId: account.id, tokenHash: sha256Hex(secret), at: now, expiresAt });
    return { uuid, secret, expiresAt };
  }

  /** The live account behind a presented key; the lookup is by hash, so no timing oracle on the secret. */
  async accountFor(secret: string): Promise<Account | undefined> {
    if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 256) return undefined;
    const credential = await this.store.apiCredentials.findByHash(sha256Hex(secret));
    if (!credential || credential.revokedAt || credential.expiresAt <= this.clock.now()) return undefined;
    const account = await this.store.accounts.findById(credential.accountId);
    return account?.active ? account : undefined;
  }
}
