import { GatehouseError, isGatehouseError } from '../core/errors.js';

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
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
]);

const CONFLICT_CODES = new Set(['ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

/**
 * Translates a driver error once, here, into the domain's error (Hydra's habit): duplicate key →
 * conflict, connection trouble → unavailable, anything else → internal. The driver text stays in
 * `cause` for the log and never reaches a reply.
 */
export function translateDbError(error: unknown): GatehouseError {
  if (isGatehouseError(error)) return error;
  const e = error as { code?: string; name?: string; fatal?: boolean; message?: string } | undefined;
  const code = e?.code ?? '';
  if (CONFLICT_CODES.has(code)) return new GatehouseError('conflict', { cause: error });
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

/** Wraps every method of a repository so driver errors leave it already translated. */
export function translated<T extends object>(repository: T): T {
  return new Proxy(repository, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } catch (error) {
          throw translateDbError(error);
        }
      };
    },
  });
}
