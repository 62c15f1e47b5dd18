import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Clock } from '../../clock.js';
import type { SecretBox } from '../../crypto.js';
import type { SigningKeyRepository } from '../ports.js';
import type { SigningKeyRecord } from './model.js';

export interface LoadedKey {
  kid: string;
  alg: 'EdDSA';
  publicJwk: JWK;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/** How long a key ring read from the database is trusted before it is read again. */
const CACHE_MS = 60_000;

/**
 * The service's signing keys, shared by every instance through the database: the private half is
 * sealed with the master key (context `signing-key:<kid>`, so a sealed key copied to another row
 * does not open). The newest unretired key signs; a retired key stays in the JWKS for as long as
 * tokens it signed can still be unexpired, so a rotation never breaks a live token.
 */
export class KeyRing {
  #cache: { at: number; keys: LoadedKey[] } | undefined;

  constructor(
    private readonly repo: () => SigningKeyRepository,
    private readonly clock: Clock,
    private readonly box: SecretBox,
    /** the longest lifetime of anything signed (access and ID tokens) */
    private readonly maxTokenSeconds: () => number,
  ) {}

  /** Keys that may verify a live token, newest first; creates the first key when there is none. */
  async keys(): Promise<LoadedKey[]> {
    const now = this.clock.now().getTime();
    if (this.#cache && now - this.#cache.at < CACHE_MS && this.#cache.at <= now) return this.#cache.keys;
    let records = await this.usable();
    if (records.length === 0) {
      await this.repo().insert(await this.generate());
      records = await this.usable();
    }
    const keys = await Promise.all(records.map((r) => this.load(r)));
    this.#cache = { at: now, keys };
    return keys;
  }

  async signingKey(): Promise<LoadedKey> {
    return (await this.keys())[0]!;
  }

  /** A key by `kid`; an unknown kid re-reads the database once (another instance may have rotated). */
  async byKid(kid: string): Promise<LoadedKey | undefined> {
    const found = (await this.keys()).find((k) => k.kid === kid);
    if (found) return found;
    this.#cache = undefined;
    return (await this.keys()).find((k) => k.kid === kid);
  }

  /** `npm run keys:rotate`: a new key signs from now on; the others retire (and keep verifying). */
  async rotate(): Promise<string> {
    const key = await this.generate();
    await this.repo().insert(key);
    await this.repo().retireAllExcept(key.kid, this.clock.now());
    this.#cache = undefined;
    return key.kid;
  }

  private usable(): Promise<SigningKeyRecord[]> {
    const retiredAfter = new Date(this.clock.now().getTime() - this.maxTokenSeconds() * 1000);
    return this.repo().listUsable(retiredAfter);
  }

  private async generate(): Promise<SigningKeyRecord> {
    const now = this.clock.now();
    const kid = `${now.toISOString().slice(0, 10)}-${randomBytes(6).toString('hex')}`;
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
    const privateJwk = await exportJWK(privateKey);
    return {
      kid,
      alg: 'EdDSA',
      publicJwk: JSON.stringify(publicJwk),
      privateJwkSealed: this.box.seal(JSON.stringify(privateJwk), `signing-key:${kid}`),
      createdAt: now,
      retiredAt: null,
    };
  }

  private async load(record: SigningKeyRecord): Promise<LoadedKey> {
    const publicJwk = JSON.parse(record.publicJwk) as JWK;
    const privateJwk = JSON.parse(this.box.open(record.privateJwkSealed, `signing-key:${record.kid}`)) as JWK;
    return {
      kid: record.kid,
      alg: record.alg,
      publicJwk,
      privateKey: (await importJWK(privateJwk, record.alg)) as CryptoKey,
      publicKey: (await importJWK(publicJwk, record.alg)) as CryptoKey,
    };
  }
}
