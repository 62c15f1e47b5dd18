import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sa from '../../generated/simple-auth/sdk.gen.js';
import { createLogger } from '../../server/log.js';
import type { TestGatehouse } from '../support/gatehouse.js';
import { startGatehouseBehindProxy, type GatehouseBehindProxy } from '../support/outage.js';
import { scrape, valueOf } from '../support/prometheus.js';
import { must, simpleAuthCaller, type SimpleAuthCaller } from '../support/simple-auth.js';
import type { TcpProxy } from '../support/tcp-proxy.js';

/**
 * An operator's view of a database outage: Gatehouse reaches MariaDB through a proxy the test cuts.
 * Each 503 is counted with cause `store`, /metrics keeps answering while the database is gone, and
 * the error handler's log line carries the failed request's id.
 */
describe.each(['info', 'warn'] as const)('unavailable answers in the metrics and the log (level %s), on MariaDB', (level) => {
  const output: string[] = [];
  let outage: GatehouseBehindProxy;
  let gh: TestGatehouse;
  let proxy: TcpProxy;
  let user: SimpleAuthCaller;

  beforeAll(async () => {
    outage = await startGatehouseBehindProxy({ poolMax: 3, logger: createLogger(level, (line) => output.push(line)) });
    ({ gh, proxy } = outage);
    user = await simpleAuthCaller(gh);
    must(await sa.createAccount({ client: user.client, body: { username: 'dora', email: 'dora@example.com', password: 'dora-password' }, query: { createSession: true } }));
  });
  afterAll(async () => outage?.stop());

  it('counts each 503 from a cut database with cause store, and logs it under the request id', async () => {
    const series = { operation: 'getAccount', face: 'simple-auth', status: '503' };
    const before = await scrape(gh.url);
    expect(valueOf(before, 'gatehouse_db_pool_max_connections', { dialect: 'mysql' })).toBe(3);

    proxy.down();
    for (const id of ['outage-1', 'outage-2']) {
      const answer = must(await sa.getAccount({ client: user.client, headers: { 'X-Request-Id': id } }));
      expect(answer.response.status).toBe(503);
    }
    const during = await scrape(gh.url);
    expect(valueOf(during, 'gatehouse_http_unavailable_total', { cause: 'store' }) - valueOf(before, 'gatehouse_http_unavailable_total', { cause: 'store' })).toBe(2);
    for (const cause of ['draining', 'hashing_pool', 'upstream', 'other']) expect(valueOf(during, 'gatehouse_http_unavailable_total', { cause })).toBe(0);
    expect(valueOf(during, 'gatehouse_http_request_duration_seconds', series) - valueOf(before, 'gatehouse_http_request_duration_seconds', series)).toBe(2);

    const lines = output.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.requestId === 'outage-1');
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ['error', 'request failed'],
      ['error', 'request completed'],
    ]);
    expect(lines[0]).toMatchObject({ code: 'unavailable', path: '/api/v1/account' });
    expect(lines[1]).toMatchObject({ status: 503, operationId: 'getAccount', face: 'simple-auth', userAgent: expect.any(String) });
    // Headers are logged only at debug.
    expect(lines[1]).not.toHaveProperty('reqHeaders');

    proxy.up();
    await expect.poll(async () => must(await sa.getAccount({ client: user.client })).response.status, { timeout: 10_000, interval: 200 }).toBe(200);
    // Below info only failed requests have an access line.
    const answered = output.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.message === 'request completed' && l.status === 200);
    expect(answered.length > 0).toBe(level === 'info');
    const after = await scrape(gh.url);
    expect(valueOf(after, 'gatehouse_http_unavailable_total', { cause: 'store' })).toBe(valueOf(during, 'gatehouse_http_unavailable_total', { cause: 'store' }));
  });
});
