import { createPublicKey, randomBytes, type JsonWebKey as NodeJwk, type KeyObject } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Clock } from '../../clock.js';
import type { SecretBox } from '../../crypto.js';
import type { SigningKeyRepository } from '../ports.js';
import { SIGNING_ALGS, type SigningAlg, type SigningKeyRecord } from './model.js';

export interface LoadedKey {
  kid: string;
  alg: SigningAlg;
  publicJwk: JWK;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** the public key for node:crypto, which verifies on the calling thread (jwt-verify.ts) */
  verifyKey: KeyObject;
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
    // One signing key per algorithm; a ring from before RS256 gets its RSA key on first read.
    const missing = SIGNING_ALGS.filter((alg) => !records.some((r) => r.alg === alg && r.retiredAt === null));
    if (missing.length) {
      for (const alg of missing) await this.repo().insert(await this.generate(alg));
      records = await this.usable();
    }
    const keys = await Promise.all(records.map((r) => this.load(r)));
    this.#cache = { at: now, keys };
    return keys;
  }

  /** The newest unretired key of the algorithm (EdDSA: access tokens and everything else). */
  async signingKey(alg: SigningAlg = 'EdDSA'): Promise<LoadedKey> {
    const key = (await this.keys()).find((k) => k.alg === alg);
    if (!key) throw new Error(`no ${alg} signing key`);
    return key;
  }

  /** A key by `kid`; an unknown kid re-reads the database once (another instance may have rotated). */
  async byKid(kid: string): Promise<LoadedKey | undefined> {
    const found = (await this.keys()).find((k) => k.kid === kid);
    if (found) return found;
    this.#cache = undefined;
    return (await this.keys()).find((k) => k.kid === kid);
  }

  /** `npm run keys:rotate`: new keys (one per algorithm, together) sign from now on; the others retire (and keep verifying). */
  async rotate(): Promise<string[]> {
    const fresh = [];
    for (const alg of SIGNING_ALGS) fresh.push(await this.generate(alg));
    for (const key of fresh) await this.repo().insert(key);
    await this.repo().retireAllExcept(fresh.map((k) => k.kid), this.clock.now());
    this.#cache = undefined;
    return fresh.map((k) => k.kid);
  }

  private usable(): Promise<SigningKeyRecord[]> {
    const retiredAfter = new Date(this.clock.now().getTime() - this.maxTokenSeconds() * 1000);
    return this.repo().listUsable(retiredAfter);
  }

  private async generate(alg: SigningAlg): Promise<SigningKeyRecord> {
    const now = this.clock.now();
    const kid = `${now.toISOString().slice(0, 10)}-${alg === 'EdDSA' ? '' : 'rs-'}${randomBytes(6).toString('hex')}`;
    const { publicKey, privateKey } = alg === 'EdDSA' ? await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true }) : await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    const privateJwk = await exportJWK(privateKey);
    return {
      kid,
      alg,
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
      verifyKey: createPublicKey({ key: publicJwk as NodeJwk, format: 'jwk' }),
    };
  }
}
