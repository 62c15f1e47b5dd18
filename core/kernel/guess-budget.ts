import type { Clock } from '../clock.js';
import { GatehouseError } from '../errors.js';
import type { GuessBucket, GuessBudgetRepository, LoginAttemptRepository } from './ports.js';

export interface GuessLimits {
  /** guesses per account (or unknown identifier) per window, over every identifier, face and secret */
  maxFailuresPerUser: number;
  /** guesses per client address per window */
  maxFailuresPerIp: number;
  /** guesses per OAuth2 client secret per window */
  maxFailuresPerClient: number;
  windowSeconds: number;
}

/**
 * Whose secret a guess is against. An account is one subject whatever names it (username, e-mail,
 * any case or spacing) and whatever secret is tried (password, TOTP, a mailed code); an identifier
 * that names no account is a subject of its own, so unknown names cost the same as known ones.
 */
export type GuessSubject = { account: number } | { unknown: string } | { client: string } | { secret: string };

function bucketOf(subject: GuessSubject): string {
  if ('account' in subject) return `account:${subject.account}`;
  if ('unknown' in subject) return `name:${subject.unknown}`;
  if ('client' in subject) return `client:${subject.client}`;
  return `secret:${subject.secret}`;
}

export interface Refused {
  retryAfterSeconds: number;
  detail: string;
}

/** A reserved guess: settled once the secret has been checked. */
export interface Reservation {
  /** the secret was right: the guess is given back, so the owner's own logins never lock them out */
  succeeded(): Promise<void>;
  /** the secret was wrong: the guess stays spent; the failure is recorded for operators */
  failed(reason: string): Promise<void>;
}

/**
 * One guess budget per subject and one per client address, shared by every face and instance.
 * A guess is reserved (a conditional increment in the store) before its secret is checked, so N
 * parallel guesses consume N and never check more than the budget; a refused burst is not erased
 * by a later success. The window ends the budget's lock. The trade-off: anyone can spend a
 * victim's budget and lock them out for a window; operators release it (`npm run budgets:release`).
 */
export class GuessBudget {
  constructor(
    private readonly clock: Clock,
    private readonly limits: GuessLimits,
    private readonly repo: GuessBudgetRepository,
    private readonly attempts: LoginAttemptRepository,
  ) {}

  /** Reserves one guess against the subject and the address, or says why not (nothing is checked then). */
  reserve(subject: GuessSubject, ip: string | null, options: { addressOnly?: boolean } = {}): Promise<Reservation | Refused> {
    return this.reserveIn(this.bucketsOf(subject, ip, options), this.window(), subject, ip);
  }

  /** `reserve` for buckets and a window already worked out (`checkOrThrow` has them). */
  private async reserveIn(buckets: readonly GuessBucket[], { now, floor }: { now: Date; floor: Date }, subject: GuessSubject, ip: string | null): Promise<Reservation | Refused> {
    const taken: string[] = [];
    for (const { bucket, limit } of buckets) {
      const outcome = await this.repo.reserve(bucket, limit, now, floor);
      if (!outcome.reserved) {
        // All or nothing: a guess refused by the address budget does not spend the account's.
        await this.repo.refund(taken);
        return this.refusal({ bucket, limit, windowStartedAt: outcome.windowStartedAt }, now);
      }
      taken.push(bucket);
    }
    return this.reservation(taken, bucketOf(subject), ip);
  }

  /**
   * A guess at a secret whose check is synchronous and cheap (an OAuth2 client secret's SHA-256):
   * reserved, checked and settled; the check's answer, or `throttled` without checking. Where the
   * store can do the three as one locked step (SQLite; MySQL/MariaDB once the buckets have rows in
   * a running window) a right answer writes nothing, where reserving and refunding apart took three
   * commits (introspection ran at a third of its speed for them on SQLite). Otherwise: a
   * reservation as `reserveOrThrow` makes, the check, the settlement. Either way no guess is
   * checked unless every budget had room for it, and a wrong one stays spent.
   */
  async checkOrThrow(subject: GuessSubject, ip: string | null, check: () => boolean, reason: string): Promise<boolean> {
    const buckets = this.bucketsOf(subject, ip);
    const window = this.window();
    const settled = await this.repo.settleAtOnce(buckets, window.now, window.floor, check);
    if (settled === undefined) {
      const reservation = orThrottled(await this.reserveIn(buckets, window, subject, ip));
      const right = check();
      await (right ? reservation.succeeded() : reservation.failed(reason));
      return right;
    }
    if ('refused' in settled) throw throttled(this.refusal(settled.refused, window.now));
    if (!settled.right) await this.recordFailure(bucketOf(subject), ip, reason);
    return settled.right;
  }

  /**
   * A guess at a secret that names no account until it is found (a one-time link, a CLI
   * exchange code, a reset token): only the address's budget. The secrets are 256-bit, so this
   * bounds a scanner, never the owner; an account budget here would let anyone lock links out.
   */
  async reserveAddressOrThrow(ip: string | null): Promise<Reservation> {
    if (!ip) return this.reservation([], 'address:unknown', null);
    return orThrottled(await this.reserve({ secret: 'link' }, ip, { addressOnly: true }));
  }

  /** Like `reserve`, refusing with the domain's `throttled` error (429 with Retry-After in every face). */
  async reserveOrThrow(subject: GuessSubject, ip: string | null): Promise<Reservation> {
    return orThrottled(await this.reserve(subject, ip));
  }

  /** Ends the subject's lock at once: an operator's release, or an owner who proved the mailbox. */
  async release(subject: GuessSubject | { address: string }): Promise<void> {
    await this.repo.clear('address' in subject ? `address:${subject.address}` : bucketOf(subject));
  }

  /** Guesses the subject has used in its window. */
  async used(subject: GuessSubject | { address: string }): Promise<number> {
    return this.repo.used('address' in subject ? `address:${subject.address}` : bucketOf(subject));
  }

  private bucketsOf(subject: GuessSubject, ip: string | null, options: { addressOnly?: boolean } = {}): GuessBucket[] {
    const buckets: GuessBucket[] = options.addressOnly ? [] : [{ bucket: bucketOf(subject), limit: 'client' in subject ? this.limits.maxFailuresPerClient : this.limits.maxFailuresPerUser }];
    if (ip) buckets.push({ bucket: `address:${ip}`, limit: this.limits.maxFailuresPerIp });
    return buckets;
  }

  /** Now, and the earliest start a window may have to still be running. */
  private window(): { now: Date; floor: Date } {
    const now = this.clock.now();
    return { now, floor: new Date(now.getTime() - this.limits.windowSeconds * 1000) };
  }

  private refusal(full: GuessBucket & { windowStartedAt: Date }, now: Date): Refused {
    const retryAfterSeconds = Math.max(1, Math.ceil((full.windowStartedAt.getTime() + this.limits.windowSeconds * 1000 - now.getTime()) / 1000));
    return { retryAfterSeconds, detail: `${full.bucket}: ${full.limit} guesses in window` };
  }

  private reservation(buckets: readonly string[], key: string, ip: string | null): Reservation {
    return {
      succeeded: async () => {
        await this.repo.refund(buckets);
      },
      failed: (reason) => this.recordFailure(key, ip, reason),
    };
  }

  /** A wrong guess, for operators (`login_attempts`): under its subject, and under its address. */
  private async recordFailure(key: string, ip: string | null, reason: string): Promise<void> {
    const at = this.clock.now();
    await this.attempts.record({ scope: 'user', key, success: false, reason, at });
    if (ip) await this.attempts.record({ scope: 'ip', key: ip, success: false, reason, at });
  }
}

export function isRefused(outcome: Reservation | Refused): outcome is Refused {
  return 'retryAfterSeconds' in outcome;
}

/** The reservation, or the refusal thrown as the domain's `throttled` error. */
function orThrottled(outcome: Reservation | Refused): Reservation {
  if (isRefused(outcome)) throw throttled(outcome);
  return outcome;
}

/** The domain's `throttled` error: 429 with Retry-After in every face. */
function throttled(refused: Refused): GatehouseError {
  return new GatehouseError('throttled', { retryAfterSeconds: refused.retryAfterSeconds, logDetail: refused.detail });
}
