import type { Clock } from '../clock.js';
import { GatehouseError } from '../errors.js';
import type { GuessBudgetRepository, LoginAttemptRepository } from './ports.js';

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
  async reserve(subject: GuessSubject, ip: string | null, options: { addressOnly?: boolean } = {}): Promise<Reservation | Refused> {
    const buckets: [string, number][] = options.addressOnly ? [] : [[bucketOf(subject), 'client' in subject ? this.limits.maxFailuresPerClient : this.limits.maxFailuresPerUser]];
    if (ip) buckets.push([`address:${ip}`, this.limits.maxFailuresPerIp]);
    const now = this.clock.now();
    const windowMs = this.limits.windowSeconds * 1000;
    const floor = new Date(now.getTime() - windowMs);
    const taken: string[] = [];
    for (const [bucket, limit] of buckets) {
      const outcome = await this.repo.reserve(bucket, limit, now, floor);
      if (!outcome.reserved) {
        // All or nothing: a guess refused by the address budget does not spend the account's.
        await this.repo.refund(taken);
        const retryAfterSeconds = Math.max(1, Math.ceil((outcome.windowStartedAt.getTime() + windowMs - now.getTime()) / 1000));
        return { retryAfterSeconds, detail: `${bucket}: ${limit} guesses in window` };
      }
      taken.push(bucket);
    }
    return this.reservation(taken, bucketOf(subject), ip);
  }

  /**
   * A guess at a secret that names no account until it is found (a one-time link, a CLI
   * exchange code, a reset token): only the address's budget. The secrets are 256-bit, so this
   * bounds a scanner, never the owner; an account budget here would let anyone lock links out.
   */
  async reserveAddressOrThrow(ip: string | null): Promise<Reservation> {
    if (!ip) return this.reservation([], 'address:unknown', null);
    const outcome = await this.reserve({ secret: 'link' }, ip, { addressOnly: true });
    if (isRefused(outcome)) throw new GatehouseError('throttled', { retryAfterSeconds: outcome.retryAfterSeconds, logDetail: outcome.detail });
    return outcome;
  }

  /** Like `reserve`, refusing with the domain's `throttled` error (429 with Retry-After in every face). */
  async reserveOrThrow(subject: GuessSubject, ip: string | null): Promise<Reservation> {
    const outcome = await this.reserve(subject, ip);
    if (isRefused(outcome)) throw new GatehouseError('throttled', { retryAfterSeconds: outcome.retryAfterSeconds, logDetail: outcome.detail });
    return outcome;
  }

  /** Ends the subject's lock at once: an operator's release, or an owner who proved the mailbox. */
  async release(subject: GuessSubject | { address: string }): Promise<void> {
    await this.repo.clear('address' in subject ? `address:${subject.address}` : bucketOf(subject));
  }

  /** Guesses the subject has used in its window. */
  async used(subject: GuessSubject | { address: string }): Promise<number> {
    return this.repo.used('address' in subject ? `address:${subject.address}` : bucketOf(subject));
  }

  private reservation(buckets: readonly string[], key: string, ip: string | null): Reservation {
    const at = () => this.clock.now();
    return {
      succeeded: async () => {
        await this.repo.refund(buckets);
      },
      failed: async (reason) => {
        await this.attempts.record({ scope: 'user', key, success: false, reason, at: at() });
        if (ip) await this.attempts.record({ scope: 'ip', key: ip, success: false, reason, at: at() });
      },
    };
  }
}

export function isRefused(outcome: Reservation | Refused): outcome is Refused {
  return 'retryAfterSeconds' in outcome;
}
