import { describe, expect, it } from 'vitest';
import { statusOf } from '../../server/errors/status.js';
import { GatehouseError } from '../../core/errors.js';
import { isRetryableConflict, translated, translateDbError, withConflictRetry } from '../../db/errors.js';
import { conflictRetryCounts, MAX_CONFLICT_RETRIES } from '../../db/retry.js';

/** What mysql2 throws for a server error: the MySQL errno, its symbolic code and the server text. */
function serverError(errno: number, code: string | undefined, message: string): Error {
  return Object.assign(new Error(message), { errno, code, sqlState: 'HY000' });
}

const WSREP_NOT_READY = serverError(1047, 'ER_UNKNOWN_COM_ERROR', 'WSREP has not yet prepared node for application use');
const CERTIFICATION = serverError(1213, 'ER_LOCK_DEADLOCK', 'Deadlock found when trying to get lock; try restarting transaction');

describe('database error classification', () => {
  it.each([
    ['a Galera node without quorum (1047)', WSREP_NOT_READY, 5],
    ['a commit on a node that left the primary component (1180)', serverError(1180, 'ER_ERROR_DURING_COMMIT', 'Got error 6 "No such device or address" during COMMIT'), 5],
    ['a WSREP message under another number', serverError(1105, 'ER_UNKNOWN_ERROR', 'WSREP: Not connected to Primary Component'), 5],
    ['MariaDB max_statement_time (1969)', serverError(1969, undefined, 'Query execution was interrupted (max_statement_time exceeded)'), 5],
    ['MySQL max_execution_time (3024)', serverError(3024, 'ER_QUERY_TIMEOUT', 'Query execution was interrupted, maximum statement execution time exceeded'), 5],
    ['a lock wait timeout (1205)', serverError(1205, 'ER_LOCK_WAIT_TIMEOUT', 'Lock wait timeout exceeded; try restarting transaction'), 5],
    ['a deadlock or certification failure left unretried (1213)', CERTIFICATION, 1],
  ])('answers %s as unavailable (503) with Retry-After', (_name, error, retryAfter) => {
    const translatedError = translateDbError(error);
    expect([translatedError.code, statusOf(translatedError), translatedError.retryAfterSeconds]).toEqual(['unavailable', 503, retryAfter]);
    // The public message never carries the driver's text.
    expect(translatedError.message).toBe('the identity store is unreachable');
    expect(translatedError.cause).toBe(error);
  });

  it('keeps duplicates as conflicts and anything unknown as internal', () => {
    expect(translateDbError(serverError(1062, 'ER_DUP_ENTRY', "Duplicate entry 'x' for key 'PRIMARY'")).code).toBe('conflict');
    expect(translateDbError(serverError(1064, 'ER_PARSE_ERROR', 'You have an error in your SQL syntax')).code).toBe('internal');
  });

  it('recognises a deadlock also when an inner repository already translated it', () => {
    expect(isRetryableConflict(CERTIFICATION)).toBe(true);
    expect(isRetryableConflict(translateDbError(CERTIFICATION))).toBe(true);
    expect(isRetryableConflict(translateDbError(WSREP_NOT_READY))).toBe(false);
    expect(isRetryableConflict(new GatehouseError('conflict'))).toBe(false);
  });
});

describe('conflict retries', () => {
  it('re-runs the whole unit of work after a conflict and counts each re-run', async () => {
    const before = conflictRetryCounts();
    let runs = 0;
    const result = await withConflictRetry('transaction', async () => {
      runs++;
      if (runs <= 2) throw CERTIFICATION;
      return 'committed';
    });
    expect([result, runs]).toEqual(['committed', 3]);
    expect(conflictRetryCounts().transaction - before.transaction).toBe(2);
  });

  it(`gives up after ${MAX_CONFLICT_RETRIES} re-runs with a 503`, async () => {
    const before = conflictRetryCounts();
    let runs = 0;
    const failure = withConflictRetry('statement', async () => {
      runs++;
      throw CERTIFICATION;
    });
    await expect(failure).rejects.toMatchObject({ code: 'unavailable', retryAfterSeconds: 1 });
    expect(runs).toBe(MAX_CONFLICT_RETRIES + 1);
    const after = conflictRetryCounts();
    expect([after.statement - before.statement, after.exhausted - before.exhausted]).toEqual([MAX_CONFLICT_RETRIES, 1]);
  });

  it('never re-runs work that failed for another reason', async () => {
    let runs = 0;
    const failure = withConflictRetry('transaction', async () => {
      runs++;
      throw WSREP_NOT_READY;
    });
    await expect(failure).rejects.toMatchObject({ code: 'unavailable', retryAfterSeconds: 5 });
    expect(runs).toBe(1);
  });

  it('retries repository calls outside a transaction, and only translates them inside one', async () => {
    const flaky = () => {
      let calls = 0;
      return {
        calls: () => calls,
        async consume(): Promise<boolean> {
          calls++;
          if (calls === 1) throw CERTIFICATION;
          return false;
        },
      };
    };
    const outside = flaky();
    await expect(translated(outside, { retryConflicts: true }).consume()).resolves.toBe(false);
    expect(outside.calls()).toBe(2);
    const inside = flaky();
    const error = await translated(inside, { retryConflicts: false })
      .consume()
      .catch((e: unknown) => e);
    expect([inside.calls(), (error as GatehouseError).code, isRetryableConflict(error)]).toEqual([1, 'unavailable', true]);
  });

  it('wraps each repository method once, and wraps a method replaced on the instance anew', async () => {
    const repository: { id(this: { tag: string }): Promise<string>; tag: string } = { tag: 'first', async id() { return this.tag; } };
    const wrapped = translated(repository, { retryConflicts: true });
    expect(wrapped.id).toBe(wrapped.id);
    await expect(wrapped.id()).resolves.toBe('first');
    repository.id = async function () { return `${this.tag} again`; };
    await expect(wrapped.id()).resolves.toBe('first again');
    expect(wrapped.tag).toBe('first');
  });
});
