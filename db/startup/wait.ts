import type { Knex } from 'knex';
import { describeConnectionProblem } from './diagnose.js';
import { addressOf, targetOf, type DatabaseTarget } from './target.js';

/** Where start-up reports progress (the server's logger fits). */
export interface StartupLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** Start-up cannot go on; the message is one line for the operator (no stack, no SQL). */
export class StartupError extends Error {
  override name = 'StartupError';
}

export interface WaitOptions {
  /** 0: wait forever */
  timeoutSeconds: number;
  log: StartupLog;
  sleep?: (ms: number) => Promise<void>;
}

const CONNECT_TIMEOUT_MS = 5_000;
const MAX_DELAY_MS = 5_000;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** 0.5 s, 1 s, 2 s, 4 s, then every 5 s: quick when the database is a moment late, quiet when it is down. */
export function backoffMs(attempt: number): number {
  return Math.min(MAX_DELAY_MS, 500 * 2 ** (attempt - 1));
}

/**
 * One attempt to reach the store. MySQL is probed with a connection of its own, not through
 * knex's pool: the pool reports an unreachable host as "Timeout acquiring a connection. The pool
 * is probably full", which tells the operator nothing; the driver's own error says what is wrong.
 */
async function probe(db: Knex, target: DatabaseTarget, connectTimeoutMs: number): Promise<void> {
  if (target.kind === 'sqlite') return void (await db.raw('select 1'));
  // Loaded here, not at the top: on SQLite, mysql2 (~17 MB resident) is never needed.
  const { createConnection } = await import('mysql2/promise');
  const connection = await createConnection({ ...(target.connection as object), connectTimeout: connectTimeoutMs });
  try {
    await connection.query('select 1');
  } finally {
    connection.destroy();
  }
}

/**
 * Waits until the database answers, retrying with backoff and logging one line per failed attempt
 * that says what is wrong; after `timeoutSeconds` gives up with a StartupError naming the last
 * problem. A database that comes up later is picked up without a restart.
 */
export async function waitForDatabase(db: Knex, options: WaitOptions): Promise<void> {
  const target = targetOf(db);
  const pause = options.sleep ?? sleep;
  const started = Date.now();
  const budgetMs = options.timeoutSeconds * 1000;
  for (let attempt = 1; ; attempt++) {
    const left = budgetMs - (Date.now() - started);
    try {
      await probe(db, target, budgetMs > 0 ? Math.max(500, Math.min(CONNECT_TIMEOUT_MS, left)) : CONNECT_TIMEOUT_MS);
      if (attempt > 1) options.log.info(`database reachable at ${addressOf(target)} after ${attempt} attempts`);
      return;
    } catch (error) {
      const problem = describeConnectionProblem(error, target);
      const remaining = budgetMs - (Date.now() - started);
      if (budgetMs > 0 && remaining <= 0) throw new StartupError(`gave up waiting for the database after ${options.timeoutSeconds} s: ${problem}`);
      const delay = budgetMs > 0 ? Math.min(backoffMs(attempt), remaining) : backoffMs(attempt);
      options.log.warn(`database not ready (attempt ${attempt}, next in ${(delay / 1000).toFixed(1)} s): ${problem}`);
      await pause(delay);
    }
  }
}
