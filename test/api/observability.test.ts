import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sa from '../../generated/simple-auth/sdk.gen.js';
import { createLogger } from '../../server/log.js';
import { DATABASES } from '../support/databases.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { bucketBounds, family, scrape, seriesLabels, valueOf } from '../support/prometheus.js';
import { must, simpleAuthCaller, type SimpleAuthCaller } from '../support/simple-auth.js';

type Line = Record<string, unknown>;

/** Access log lines and /metrics of a real instance, on both stores. */
describe.each(DATABASES)('access log and metrics on %s', (kind) => {
  const output: string[] = [];
  const lines = (): Line[] => output.map((l) => JSON.parse(l) as Line);
  let gh: TestGatehouse;
  let ada: SimpleAuthCaller;

  beforeAll(async () => {
    gh = await startGatehouse(kind, { logger: createLogger('debug', (line) => output.push(line)) });
    ada = await simpleAuthCaller(gh);
    must(await sa.createAccount({ client: ada.client, body: { username: 'ada', email: 'ada@example.com', password: 'analytical-engine' }, query: { createSession: true } }));
  });
  afterAll(async () => gh?.stop());

  it('writes one JSON access line per request with its request id, operation and face, and no secret from the query or the headers', async () => {
    const secret = must(await sa.get2FaSecret({ client: ada.client })).data!.secret;
    output.length = 0;
    const qr = must(await sa.get2FaQrcode({ client: ada.client, query: { secret }, headers: { 'X-Request-Id': 'obs-qr-1' } }));
    expect(qr.response.status).toBe(200);
    // A refused one-time token: the handler's refusal is logged by the error handler, through the same child logger.
    const onetime = await ada.browser.fetch(`${gh.url}/api/v1/auth/onetime?token=one-time-secret-value&continue=%2F`, {
      headers: { 'X-Request-Id': 'obs-onetime-1', Authorization: 'Bearer bearer-secret-value', 'X-Api-Key': 'api-key-secret-value' },
    });
    expect(onetime.status).toBeGreaterThanOrEqual(300);

    const qrLine = lines().find((l) => l.requestId === 'obs-qr-1' && l.message === 'request completed');
    expect(qrLine).toMatchObject({ level: 'info', method: 'GET', path: '/api/v1/local/2fa/qrcode?secret=[REDACTED]', status: 200, operationId: 'get2faQrcode', face: 'simple-auth' });
    expect(qrLine!.durationMs).toEqual(expect.any(Number));
    expect(new Date(String(qrLine!.time)).toISOString()).toBe(qrLine!.time);
    expect(qrLine!.reqHeaders).toMatchObject({ cookie: '[REDACTED]', 'x-request-id': 'obs-qr-1' });

    const onetimeLines = lines().filter((l) => l.requestId === 'obs-onetime-1');
    expect(onetimeLines.map((l) => l.message)).toEqual(['request refused', 'request completed']);
    expect(onetimeLines[1]).toMatchObject({ path: '/api/v1/auth/onetime?token=[REDACTED]&continue=%2F', operationId: 'onetimeAuthenticate', face: 'simple-auth' });
    expect(onetimeLines[1]!.reqHeaders).toMatchObject({ authorization: '[REDACTED]', 'x-api-key': '[REDACTED]', cookie: '[REDACTED]' });

    const everything = output.join('\n');
    for (const leaked of [secret, 'one-time-secret-value', 'bearer-secret-value', 'api-key-secret-value', ...ada.browser.cookies.values()]) {
      expect(everything).not.toContain(leaked);
    }
  });

  it('redacts Set-Cookie and the CSRF header of a login', async () => {
    const caller = await simpleAuthCaller(gh);
    output.length = 0;
    const login = must(await sa.createSession({ client: caller.client, body: { username: 'ada', password: 'analytical-engine' }, headers: { 'X-Request-Id': 'obs-login-1' } }));
    expect(login.response.status).toBe(200);
    const line = lines().find((l) => l.requestId === 'obs-login-1' && l.message === 'request completed')!;
    expect(line).toMatchObject({ method: 'POST', status: 200, operationId: 'createSession', face: 'simple-auth' });
    expect(line.reqHeaders).toMatchObject({ 'x-csrf-token': '[REDACTED]', cookie: '[REDACTED]' });
    expect(line.resHeaders).toMatchObject({ 'set-cookie': '[REDACTED]' });
    for (const value of caller.browser.cookies.values()) expect(output.join('\n')).not.toContain(value);
    expect(output.join('\n')).not.toContain('analytical-engine');
  });

  it('serves the Prometheus text format; a request to an operation adds exactly one observation to its histogram series', async () => {
    const series = { operation: 'getAccount', face: 'simple-auth', status: '200' };
    const before = await scrape(gh.url);
    for (let i = 0; i < 3; i++) expect(must(await sa.getAccount({ client: ada.client })).response.status).toBe(200);
    const after = await scrape(gh.url);
    expect(valueOf(after, 'gatehouse_http_request_duration_seconds', series) - valueOf(before, 'gatehouse_http_request_duration_seconds', series)).toBe(3);

    expect(family(after, 'gatehouse_http_request_duration_seconds')).toMatchObject({ type: 'histogram' });
    expect(bucketBounds(after, 'gatehouse_http_request_duration_seconds', series)).toEqual([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, Infinity]);
    const labelSets = seriesLabels(after, 'gatehouse_http_request_duration_seconds');
    for (const labels of labelSets) expect(Object.keys(labels).sort()).toEqual(['face', 'operation', 'status']);
    // Scrapes are neither counted nor logged.
    const unmatchedOk = { operation: 'unmatched', face: 'none', status: '200' };
    expect(valueOf(await scrape(gh.url), 'gatehouse_http_request_duration_seconds', unmatchedOk)).toBe(valueOf(after, 'gatehouse_http_request_duration_seconds', unmatchedOk));
    expect(lines().some((l) => String(l.path).startsWith('/metrics'))).toBe(false);

    const names = after.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(family(after, 'gatehouse_http_unavailable_total')).toMatchObject({ type: 'counter' });
    expect(seriesLabels(after, 'gatehouse_http_unavailable_total').map((l) => l.cause).sort()).toEqual(['draining', 'hashing_pool', 'other', 'store', 'upstream']);
    expect(family(after, 'nodejs_eventloop_lag_seconds')).toMatchObject({ type: 'gauge' });
    expect(family(after, 'process_cpu_user_seconds_total')).toMatchObject({ type: 'counter' });
  });

  it('counts requests outside the contracts as unmatched, and a refused request under its operation', async () => {
    const before = await scrape(gh.url);
    expect((await fetch(`${gh.url}/no/such/path`)).status).toBe(404);
    expect((await fetch(`${gh.url}/api/v1/account?unknown=1`, { headers: { cookie: `auth=${ada.browser.cookies.get('auth')}` } })).status).toBe(400);
    const after = await scrape(gh.url);
    const delta = (labels: Record<string, string>) => valueOf(after, 'gatehouse_http_request_duration_seconds', labels) - valueOf(before, 'gatehouse_http_request_duration_seconds', labels);
    expect(delta({ operation: 'unmatched', face: 'none', status: '404' })).toBe(1);
    expect(delta({ operation: 'getAccount', face: 'simple-auth', status: '400' })).toBe(1);
  });

  it('reads the connection pool at scrape time, labelled by dialect', async () => {
    const families = await scrape(gh.url);
    const dialect = kind;
    expect(family(families, 'gatehouse_db_pool_connections')).toMatchObject({ type: 'gauge' });
    const used = valueOf(families, 'gatehouse_db_pool_connections', { dialect, state: 'used' });
    const free = valueOf(families, 'gatehouse_db_pool_connections', { dialect, state: 'free' });
    expect(used).toBe(0);
    expect(free).toBeGreaterThanOrEqual(1);
    expect(valueOf(families, 'gatehouse_db_pool_pending_acquires', { dialect })).toBe(0);
    // The test databases open MySQL pools of 5 and the single SQLite connection (test/support/databases.ts).
    expect(valueOf(families, 'gatehouse_db_pool_max_connections', { dialect })).toBe(kind === 'mysql' ? 5 : 1);
  });

  it('exposes what the core reports through the runtime telemetry', async () => {
    gh.runtime.telemetry.loginOutcome('portal', 'refused', 'invalid-credentials');
    gh.runtime.telemetry.loginOutcome('portal', 'signed-in');
    gh.runtime.telemetry.guessBudget('account', 'exhausted');
    gh.runtime.telemetry.loginOutcome('portal', 'refused', 'user input <script> would be unbounded');
    const families = await scrape(gh.url);
    expect(valueOf(families, 'gatehouse_login_outcomes_total', { face: 'portal', outcome: 'refused', reason: 'invalid-credentials' })).toBe(1);
    expect(valueOf(families, 'gatehouse_login_outcomes_total', { face: 'portal', outcome: 'signed-in', reason: 'none' })).toBe(1);
    expect(valueOf(families, 'gatehouse_login_outcomes_total', { face: 'portal', outcome: 'refused', reason: 'other' })).toBe(1);
    expect(valueOf(families, 'gatehouse_guess_budget_total', { kind: 'account', outcome: 'exhausted' })).toBe(1);
  });
});

describe('metrics per instance', () => {
  let a: TestGatehouse;
  let b: TestGatehouse;
  beforeAll(async () => {
    a = await startGatehouse('sqlite');
    b = await startGatehouse('sqlite', { settings: { metrics: { enabled: false } } });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('keeps a registry per runtime in one process, and GATEHOUSE_METRICS_ENABLED=false removes /metrics', async () => {
    const series = { operation: 'getOpenidConfiguration', face: 'wellknown', status: '200' };
    const before = valueOf(await scrape(a.url), 'gatehouse_http_request_duration_seconds', series);
    expect((await fetch(`${b.url}/.well-known/openid-configuration`)).status).toBe(200);
    expect((await fetch(`${a.url}/.well-known/openid-configuration`)).status).toBe(200);
    expect(valueOf(await scrape(a.url), 'gatehouse_http_request_duration_seconds', series) - before).toBe(1);

    const disabled = await fetch(`${b.url}/metrics`);
    expect(disabled.status).toBe(404);
    expect(await disabled.text()).not.toContain('gatehouse_');
  });
});
