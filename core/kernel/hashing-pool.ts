import { GatehouseError } from '../errors.js';

export interface HashingPoolSettings {
  /** hashes computed at once (0: the machine's cores − 1, at least 1) */
  concurrency: number;
  /** hashes allowed to wait; past that a login is refused at once */
  queue: number;
}

/**
 * Bounds how many bcrypt hashes run at once (a slot each) and how many wait (a bounded queue).
 * A storm of logins then occupies at most `concurrency` cores and libuv threads: the event loop,
 * token checks and everything else keep the rest. A login that finds the queue full is refused at
 * once with 429 and Retry-After, instead of waiting behind a queue no client would sit through.
 */
export class HashingPool {
  readonly size: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(
    private readonly settings: HashingPoolSettings,
    cores: number,
  ) {
    this.size = settings.concurrency > 0 ? settings.concurrency : Math.max(1, cores - 1);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running >= this.size) {
      if (this.#waiting.length >= this.settings.queue) {
        throw new GatehouseError('throttled', { retryAfterSeconds: 1, logDetail: `hashing queue full (${this.#waiting.length} waiting, ${this.size} running)` });
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running += 1;
    }
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, or is given back.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running -= 1;
    }
  }

  /** hashes running and waiting now (metrics, tests) */
  load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }
}
