import { hash, verify } from '@node-rs/bcrypt';
import { GatehouseError } from '../errors.js';
import { HashingPool } from './hashing-pool.js';

/**
 * bcrypt hashes (so simple-auth's existing `$2a$10$` hashes import unchanged), computed on the
 * libuv thread pool by @node-rs/bcrypt so a login never stalls the event loop, and at most as
 * many at once as the hashing pool allows, so a login storm cannot take every core.
 */
export class PasswordHasher {
  readonly #cost: number;
  readonly #pool: HashingPool;
  #dummyHash: Promise<string> | undefined;

  constructor(cost = 10, pool: HashingPool = new HashingPool({ concurrency: 0, queue: 1000 }, 2)) {
    this.#cost = cost;
    this.#pool = pool;
  }

  /** bcrypt reads at most 72 bytes; longer passwords would be silently truncated, so refuse them. */
  static fitsBcrypt(password: string): boolean {
    return Buffer.byteLength(password, 'utf8') <= 72;
  }

  async hash(password: string): Promise<string> {
    if (!PasswordHasher.fitsBcrypt(password)) {
      throw new GatehouseError('credentials_failed_requirements', { message: 'password too long (more than 72 bytes)' });
    }
    return this.#pool.run(() => hash(password, this.#cost));
  }

  /** Checks a password; a missing hash (unknown user) costs the same as a wrong password. */
  async verify(password: string, storedHash: string | null | undefined): Promise<boolean> {
    if (!storedHash) {
      // Equal cost for unknown users: otherwise response time tells which usernames exist.
      await this.#pool.run(async () => verify(password.slice(0, 72), await this.dummyHash()));
      return false;
    }
    if (!PasswordHasher.fitsBcrypt(password)) {
      await this.#pool.run(async () => verify(password.slice(0, 72), await this.dummyHash()));
      return false;
    }
    return this.#pool.run(async () => {
      try {
        return await verify(password, storedHash);
      } catch {
        return false;
      }
    });
  }

  private dummyHash(): Promise<string> {
    // Computed inside the caller's slot (the first unknown user pays one more hash, once).
    this.#dummyHash ??= hash('gatehouse-dummy-password', this.#cost);
    return this.#dummyHash;
  }
}
