import { createCipheriv, createDecipheriv, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random token of `bytes` bytes, base64url without padding (256 bits by default). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Secrets are stored only as their SHA-256 (hex); a database leak reveals no usable token. */
export function sha256Hex(value: string): string {
  // One-shot (node ≥ 20.12): no Hash object per call; every session, token and key check runs it.
  return hash('sha256', value, 'hex');
}

/** Compares two strings in time independent of where they differ (no timing oracle). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = hash('sha256', a, 'buffer');
  const right = hash('sha256', b, 'buffer');
  // Hashing first makes lengths equal, so the length difference is not leaked either.
  return timingSafeEqual(left, right);
}

/** Random alphanumeric string (CSRF tokens, human-facing codes) without modulo bias. */
export function randomAlphanumeric(length: number): string {
  return randomFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', length);
}

/** Random decimal code, e.g. an emailed 6-digit code, without modulo bias. */
export function randomDigits(length: number): string {
  return randomFrom('0123456789', length);
}

function randomFrom(alphabet: string, length: number): string {
  // Rejection sampling: bytes above the largest multiple of the alphabet size are discarded.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/**
 * Authenticated encryption (AES-256-GCM) for secrets that must be read back: TOTP seeds, upstream
 * client secrets, private signing keys. Format: `v1.<iv>.<tag>.<ciphertext>` (base64url).
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('master key must be 32 bytes');
    this.#key = masterKey;
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    // The context (e.g. "totp:<account uuid>") is authenticated, so a ciphertext copied to
    // another row does not decrypt there.
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string, context: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unrecognised sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
