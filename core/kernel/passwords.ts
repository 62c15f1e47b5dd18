import { hash, verify } from '@node-rs/bcrypt';
import { GatehouseError } from '../errors.js';

/**
 * bcrypt hashes (so simple-auth's existing `$2a$10$` hashes import unchanged), computed on the
 * libuv thread pool by @node-rs/bcrypt so a login never stalls the event loop.
 */
export class PasswordHasher {
  readonly #cost: number;
  #dummyHash: Promise<string> | undefined;

  constructor(cost = 10) {
    this.#cost = cost;
  }

  /** bcrypt reads at most 72 bytes; longer passwords would be silently truncated, so refuse them. */
  static fitsBcrypt(password: string): boolean {
    return Buffer.byteLength(password, 'utf8') <= 72;
  }

  async hash(password: string): Promise<string> {
    if (!PasswordHasher.fitsBcrypt(password)) {
      throw new GatehouseError('credentials_failed_requirements', { message: 'password too long (more than 72 bytes)' });
    }
    return hash(password, this.#cost);
  }

  /** Checks a password; a missing hash (unknown user) costs the same as a wrong password. */
  async verify(password: string, storedHash: string | null | undefined): Promise<boolean> {
    if (!storedHash) {
      // Equal cost for unknown users: otherwise response time tells which usernames exist.
      await verify(password.slice(0, 72), await this.dummyHash());
      return false;
    }
    if (!PasswordHasher.fitsBcrypt(password)) {
      await verify(password.slice(0, 72), await this.dummyHash());
      return false;
    }
    try {
      return await verify(password, storedHash);
    } catch {
      return false;
    }
  }

  private dummyHash(): Promise<string> {
    this.#dummyHash ??= hash('gatehouse-dummy-password', this.#cost);
    return this.#dummyHash;
  }
}
