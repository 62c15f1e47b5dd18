import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { randomToken, sha256Hex } from '../crypto.js';
import type { Account, ApiKeyRecord, NamespaceRole } from './model.js';
import type { KernelStore } from './ports.js';

/** Recognisable prefix, so secret scanners (GitHub push protection, gitleaks) can find leaks. */
export const API_KEY_PREFIX = 'ghk_';

/** The types that authenticate API calls on every face; the SCIM token is accepted only by SCIM. */
export const API_TOKEN_TYPES: readonly string[] = ['API_TOKEN', 'SERVICE_API_TOKEN'];

/** A new token secret: the prefix and 256 random bits (base64url, 43 characters). */
export function newTokenSecret(): string {
  return `${API_KEY_PREFIX}${randomToken(32)}`;
}

/** F5's `gc_spec.digest`: SHA-1 (hex) of the credential. Never used to look a token up. */
export function sha1Hex(value: string | Uint8Array): string {
  return createHash('sha1').update(value).digest('hex');
}

/** A credential counts as active only while it is enabled, not revoked and unexpired. */
export function isActive(credential: Pick<ApiKeyRecord, 'enabled' | 'revokedAt' | 'expiresAt'>, now: Date): boolean {
  return credential.enabled && !credential.revokedAt && credential.expiresAt > now;
}

/** A service account is an administrator when its roles grant `admin` in `system`, directly or through `*`. */
export function grantsSystemAdmin(roles: readonly NamespaceRole[]): boolean {
  return roles.some((r) => r.role === 'admin' && (r.namespace === 'system' || r.namespace === '*'));
}

export interface AuthenticatedKey {
  account: Account;
  credential: ApiKeyRecord;
}

/**
 * API credentials as bearer secrets (`Authorization: APIToken` on the credentials face, `X-API-Key`
 * on the platform face, the SCIM token on SCIM): 256-bit secrets shown once, stored as SHA-256,
 * each carrying the authority of the account it was issued for. Every check reads the database,
 * so a revocation, a disable or an expiry takes effect on every instance at once.
 */
export class ApiKeyService {
  constructor(
    private readonly store: KernelStore,
    private readonly clock: Clock,
  ) {}

  /** The live credential of one of `types` and its active account; looked up by hash, so no timing oracle on the secret. */
  async authenticate(secret: string, types: readonly string[] = API_TOKEN_TYPES): Promise<AuthenticatedKey | undefined> {
    if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 256) return undefined;
    return this.live(await this.store.apiKeys.findByHashWithAccount(sha256Hex(secret)), types);
  }

  /**
   * The live API certificate presented as a TLS client certificate (its DER), and its active
   * account. Issuance stored the SHA-256 of exactly this DER, so a match is one of our
   * certificates, and the TLS handshake proved its private key; revocation, disabling and expiry
   * are read from the row as for tokens.
   */
  async authenticateCertificate(der: Uint8Array): Promise<AuthenticatedKey | undefined> {
    return this.live(await this.store.apiKeys.findByHashWithAccount(createHash('sha256').update(der).digest('hex')), ['API_CERTIFICATE']);
  }

  /** A credential of one of the types, active (not disabled, revoked or expired), of an active account. */
  private live(found: { credential: ApiKeyRecord; account: Account } | undefined, types: readonly string[]): AuthenticatedKey | undefined {
    if (!found || !types.includes(found.credential.type) || !isActive(found.credential, this.clock.now())) return undefined;
    return found.account.active ? found : undefined;
  }

  /** The service credential whose service account this is, if any (its roles are read at every request). */
  serviceCredentialOf(account: Account): Promise<ApiKeyRecord | undefined> {
    return this.store.apiKeys.findServiceCredentialOf(account.id);
  }
}
