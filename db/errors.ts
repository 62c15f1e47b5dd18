import { GatehouseError, isGatehouseError } from '../core/errors.js';
import pRetry from 'p-retry';
import { CONFLICT_BACKOFF, countRetry, MAX_CONFLICT_RETRIES } from './retry.js';

/** Errors that mean "the database cannot be reached right now": answered 503, never 401 or 200. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
]);

/**
 * Server error numbers that say "not now" rather than "wrong request". A Galera node that lost
 * quorum keeps accepting connections and `SELECT 1`, then refuses real statements with 1047
 * ("WSREP has not yet prepared node for application use") or fails the commit with 1180; a
 * statement that hit the configured limits ends with 1969 (MariaDB max_statement_time), 3024
 * (MySQL max_execution_time) or 1205 (lock wait timeout). All of them are an outage: 503.
 */
const UNAVAILABLE_ERRNOS = new Map<number, string>([
  [1047, 'node not ready (WSREP: not in the primary component or not synced)'],
  [1180, 'commit failed (WSREP: node left the primary component)'],
  [1205, 'lock wait timeout'],
  [1969, 'statement timeout (max_statement_time)'],
  [3024, 'statement timeout (max_execution_time)'],
  [1317, 'query interrupted'],
  [1927, 'connection killed'],
  [1053, 'server shutting down'],
  [1040, 'too many connections'],
]);

/** InnoDB deadlock victim, or a Galera transaction that failed certification (aborted at commit). */
const DEADLOCK_ERRNO = 1213;

const CONFLICT_CODES = new Set(['ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

interface DriverError {
  code?: string;
  errno?: number;
  name?: string;
  fatal?: boolean;
  message?: string;
  cause?: unknown;
}

/**
 * True when the error (or an error it wraps) is a deadlock or a Galera certification failure:
 * nothing of the failed transaction or statement was applied, so running it again is safe and
 * usually succeeds (Hydra and Kratos retry on 1213 the same way).
 */
export function isRetryableConflict(error: unknown): boolean {
  for (let e = error as DriverError | undefined, depth = 0; e && depth < 5; e = e.cause as DriverError | undefined, depth++) {
    if (e.errno === DEADLOCK_ERRNO || e.code === 'ER_LOCK_DEADLOCK') return true;
  }
  return false;
}

/**
 * Translates a driver error once, here, into the domain's error (Hydra's habit): duplicate key →
 * conflict, connection trouble and server-side "not now" → unavailable, a deadlock that was not
 * (or could no longer be) retried → unavailable, anything else → internal. The driver text stays
 * in `cause` for the log and never reaches a reply.
 */
export function translateDbError(error: unknown): GatehouseError {
  if (isGatehouseError(error)) return error;
  const e = error as DriverError | undefined;
  const code = e?.code ?? '';
  if (CONFLICT_CODES.has(code)) return new GatehouseError('conflict', { cause: error });
  if (isRetryableConflict(error)) {
    return new GatehouseError('unavailable', { cause: error, retryAfterSeconds: 1, logDetail: 'write conflict (deadlock or Galera certification failure)' });
  }
  const serverReason = e?.errno === undefined ? undefined : UNAVAILABLE_ERRNOS.get(e.errno);
  if (serverReason || /\bWSREP\b|Primary Component/i.test(e?.message ?? '')) {
    return new GatehouseError('unavailable', { cause: error, retryAfterSeconds: 5, logDetail: serverReason ?? 'WSREP error' });
  }
  if (
    UNAVAILABLE_CODES.has(code) ||
    e?.name === 'KnexTimeoutError' ||
    e?.fatal === true ||
    /Connection lost|connect ETIMEDOUT|Pool is closed|Can't add new command when connection is in closed state/i.test(e?.message ?? '')
  ) {
    return new GatehouseError('unavailable', { cause: error, retryAfterSeconds: 5 });
  }
  return new GatehouseError('internal', { cause: error });
}

/**
 * Runs `work`; on a deadlock or certification failure runs it again (at most
 * MAX_CONFLICT_RETRIES times, with jittered exponential backoff, by p-retry) before the error is
 * translated. Only for work that starts from scratch each time: a whole transaction, or a
 * statement outside one.
 */
export async function withConflictRetry<T>(kind: 'transaction' | 'statement', work: () => Promise<T>): Promise<T> {
  // The first run outside p-retry: nearly every call succeeds at once, the hot paths make several
  // such calls per request, and p-retry copies and validates its options on every call. A first
  // failure is handed to p-retry as its first attempt, so backoff and counting stay p-retry's.
  let firstFailure: unknown;
  try {
    return await work();
  } catch (error) {
    firstFailure = error;
  }
  try {
    return await pRetry((attempt) => (attempt === 1 ? Promise.reject(firstFailure) : work()), {
      ...CONFLICT_BACKOFF,
      retries: MAX_CONFLICT_RETRIES,
      // Asked only while retries are left: a yes here is one more run.
      shouldRetry: ({ error }) => {
        if (!isRetryableConflict(error)) return false;
        countRetry(kind);
        return true;
      },
    });
  } catch (error) {
    if (!isRetryableConflict(error)) throw translateDbError(error);
    countRetry('exhausted');
    throw new GatehouseError('unavailable', {
      cause: error,
      retryAfterSeconds: 1,
      logDetail: `write conflict persisted through ${MAX_CONFLICT_RETRIES} retries (deadlock or Galera certification failure)`,
    });
  }
}

/**
 * Wraps every method of a repository so driver errors leave it already translated. Outside a
 * transaction (`retryConflicts`) a method that lost a deadlock or certification race runs again:
 * the repositories' methods are single statements or idempotent steps when called that way.
 * Inside a transaction the conflict is passed up, so the transaction as a whole is re-run.
 */
export function translated<T extends object>(repository: T, options: { retryConflicts?: boolean } = {}): T {
  // One wrapper per method, made on first use: the hot paths call these on every request.
  const wrappers = new Map<PropertyKey, { method: (...a: unknown[]) => Promise<unknown>; wrapper: (...a: unknown[]) => Promise<unknown> }>();
  const wrap = (target: T, method: (...a: unknown[]) => Promise<unknown>) => {
    if (options.retryConflicts) return (...args: unknown[]) => withConflictRetry('statement', () => method.apply(target, args));
    return async (...args: unknown[]) => {
      try {
        return await method.apply(target, args);
      } catch (error) {
        throw translateDbError(error);
      }
    };
  };
  return new Proxy(repository, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const method = value as (...a: unknown[]) => Promise<unknown>;
      const known = wrappers.get(property);
      if (known?.method === method) return known.wrapper;
      const wrapper = wrap(target, method);
      wrappers.set(property, { method, wrapper });
      return wrapper;
    },
  });
}
