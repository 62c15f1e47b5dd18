import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../core/errors.js';
import { translateDbError } from '../../db/errors.js';
import { createLogger } from '../../server/log.js';
import { redactUrl } from '../../server/observability/redact-url.js';
import { unavailableCause } from '../../server/observability/unavailable-cause.js';

describe('createLogger (pino)', () => {
  it('writes one JSON object per call, without the newline, with ISO time, level name, message and fields', () => {
    const lines: string[] = [];
    const log = createLogger('info', (line) => lines.push(line));
    log.info('started', { port: 8080 });
    log.warn('plain');
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(first).toEqual({ level: 'info', time: expect.any(String), message: 'started', port: 8080 });
    expect(new Date(String(first.time)).toISOString()).toBe(first.time);
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'warn', message: 'plain' });
  });

  it('drops lines below its level, and silent writes nothing', () => {
    const lines: string[] = [];
    const info = createLogger('info', (line) => lines.push(line));
    info.debug('hidden');
    expect(lines).toEqual([]);
    const silent = createLogger('silent', (line) => lines.push(line));
    for (const at of ['debug', 'info', 'warn', 'error'] as const) silent[at]('nothing', { a: 1 });
    expect(lines).toEqual([]);
  });

  it('describes Error fields with name, message, code and cause, whatever their key', () => {
    const lines: string[] = [];
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
    createLogger('debug', (line) => lines.push(line)).error('request failed', { cause: new GatehouseError('unavailable', { cause }), requestId: 'r-1' });
    const line = JSON.parse(lines[0]!) as { cause: Record<string, unknown>; requestId: string };
    expect(line.requestId).toBe('r-1');
    expect(line.cause).toMatchObject({ name: 'GatehouseError', message: 'the identity store is unreachable', cause: { name: 'Error', code: 'ECONNREFUSED' } });
    expect(line.cause.stack).toEqual(expect.stringContaining('GatehouseError'));
  });
});

describe('redactUrl', () => {
  it('replaces the values of secret-named query parameters and keeps the rest as sent', () => {
    expect(redactUrl('/api/v1/account')).toBe('/api/v1/account');
    expect(redactUrl('/api/v1/auth/onetime?token=abc&continue=%2Fhome')).toBe('/api/v1/auth/onetime?token=[REDACTED]&continue=%2Fhome');
    expect(redactUrl('/cb?code=xyz&state=s1&code_verifier=v&client_secret=c&password=p&refresh_token=r&exchange_code=e&secret=t&id_token=i')).toBe(
      '/cb?code=[REDACTED]&state=s1&code_verifier=[REDACTED]&client_secret=[REDACTED]&password=[REDACTED]&refresh_token=[REDACTED]&exchange_code=[REDACTED]&secret=[REDACTED]&id_token=[REDACTED]',
    );
  });

  it('decodes names before matching, redacts names that do not decode, and handles bare names and repeats', () => {
    expect(redactUrl('/x?client%5Fsecret=abc&Access_Token=1&access_token=2')).toBe('/x?client%5Fsecret=[REDACTED]&Access_Token=[REDACTED]&access_token=[REDACTED]');
    expect(redactUrl('/x?%E0%A4%A=1&limit=5')).toBe('/x?%E0%A4%A=[REDACTED]&limit=5');
    expect(redactUrl('/x?token&limit=5&')).toBe('/x?token=[REDACTED]&limit=5&');
  });
});

describe('unavailableCause', () => {
  it('is store for a database that cannot be reached, through any wrapping', () => {
    const refused = translateDbError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect(unavailableCause(refused)).toBe('store');
    expect(unavailableCause(translateDbError(Object.assign(new Error('Knex: Timeout acquiring a connection'), { name: 'KnexTimeoutError' })))).toBe('store');
    expect(unavailableCause(new GatehouseError('unavailable', { cause: refused }))).toBe('store');
  });

  it('tells draining, the hashing pool and upstreams apart, and calls the rest other', () => {
    expect(unavailableCause(new GatehouseError('unavailable', { logDetail: 'draining: shutting down' }))).toBe('draining');
    expect(unavailableCause(new GatehouseError('unavailable', { logDetail: 'hashing pool full' }))).toBe('hashing_pool');
    expect(unavailableCause(new GatehouseError('upstream_unavailable', { cause: new Error('fetch failed') }))).toBe('upstream');
    expect(unavailableCause(new GatehouseError('unavailable', { message: 'web session service unavailable' }))).toBe('other');
    expect(unavailableCause(new GatehouseError('unavailable', { cause: new Error('some bug') }))).toBe('other');
  });
});
