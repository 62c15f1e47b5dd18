import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { RequestMeta } from './audit.js';
import type { DeferredJobRepository } from './ports.js';

/** What a deferred job does with its payload, and the request it came from. */
export type DeferredHandler = (payload: Readonly<Record<string, unknown>>, meta: RequestMeta) => Promise<void>;

const LEASE_SECONDS = 60;
const MAX_ATTEMPTS = 5;
const POLL_MS = 1000;

/**
 * Work that must not happen before the answer: an operation that may send mail records its job
 * (one insert, the same for a known and an unknown address) and answers; this worker then does the
 * per-account lookups, the secret and the mail. The answer's timing therefore says nothing about
 * whether the address has an account (a 52 ms vs 15 ms difference did). Jobs are rows, so a job
 * survives a crash and is done by whichever instance claims it first (conditional update).
 */
export class DeferredWork {
  private readonly handlers = new Map<string, DeferredHandler>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private paused = false;
  private readonly claimId = randomBytes(8).toString('hex');

  constructor(
    private readonly repo: DeferredJobRepository,
    private readonly clock: Clock,
    private readonly onError: (error: unknown, kind: string) => void,
  ) {}

  /** A face registers what its job kind does (once, when its rules are built). */
  register(kind: string, handler: DeferredHandler): void {
    if (this.handlers.has(kind)) throw new Error(`deferred job kind ${kind} registered twice`);
    this.handlers.set(kind, handler);
  }

  /** Records the job and returns; the worker runs it after the current answer has been written. */
  async enqueue(kind: string, payload: Record<string, unknown>, meta: RequestMeta): Promise<void> {
    if (!this.handlers.has(kind)) throw new Error(`no handler for deferred job kind ${kind}`);
    await this.repo.insert(kind, JSON.stringify({ payload, meta }), this.clock.now());
    // setImmediate runs after the handler's reply has been written (same tick, later phase).
    if (this.timer) setImmediate(() => void this.drain());
  }

  /** Polls for jobs (those of other instances, and those a crash left behind). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.drain(), POLL_MS);
    this.timer.unref();
    void this.drain();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Test hook: holds the worker (jobs stay queued) until resumed. */
  pause(paused: boolean): void {
    this.paused = paused;
    if (!paused && this.timer) void this.drain();
  }

  /** Runs every claimable job now; resolves when the queue is empty of jobs this run could take. */
  drain(): Promise<void> {
    if (this.paused) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.runAll().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.drain();
      }
    });
    return this.running;
  }

  /** Jobs not done yet, on every instance. */
  pending(): Promise<number> {
    return this.repo.pending();
  }

  private async runAll(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      let job;
      try {
        job = await this.repo.claim(now, new Date(now.getTime() - LEASE_SECONDS * 1000), this.claimId, MAX_ATTEMPTS);
      } catch (error) {
        // The store is away: the rows wait for the next poll.
        this.onError(error, 'claim');
        return;
      }
      if (!job) return;
      const handler = this.handlers.get(job.kind);
      try {
        const { payload, meta } = JSON.parse(job.payload) as { payload: Record<string, unknown>; meta: RequestMeta };
        if (handler) await handler(payload, meta);
        else this.onError(new Error(`no handler for deferred job kind ${job.kind}`), job.kind);
        await this.repo.remove(job.id);
      } catch (error) {
        // Left claimed: taken again when the lease ends, until MAX_ATTEMPTS.
        this.onError(error, job.kind);
        if (job.attempts >= MAX_ATTEMPTS) await this.repo.remove(job.id).catch(() => undefined);
      }
    }
  }
}
