/**
 * npm run bench — what Gatehouse's per-request hot paths cost next to a bare Express handler:
 * forward auth (GET /api/v1/auth/vouch with a session cookie) and token introspection
 * (POST /api/v1/auth/oauth2/token_info). Everything runs in this process on loopback, against an
 * embedded SQLite file in a temp dir; the load comes from an autocannon worker thread so it does
 * not share the servers' event loop. The absolute figures depend on the machine; the ratios to
 * the bare handler, measured in the same run, are what to compare between runs.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import express from 'express';
import { buildConfig } from '../core/config.js';
import * as sa from '../generated/simple-auth/sdk.gen.js';
import { createRuntime, type Runtime } from '../server/runtime.js';
import { freePort } from '../test/support/net.js';
import { backend, basic, codeFor, GRAFANA, oauth2Settings, signedIn } from '../test/support/oauth2.js';
import { must } from '../test/support/simple-auth.js';

const CONNECTIONS = 10;
const SECONDS = 5;
const WARMUP_SECONDS = 1;

interface Target {
  name: string;
  options: Pick<autocannon.Options, 'url' | 'method' | 'headers' | 'body'>;
}

interface Measured {
  name: string;
  rps: number;
  p99: number;
  failures: number;
}

/** Gatehouse as `npm start` runs it (no response validation, silent log), with vouch and one OAuth2 client. */
async function startGatehouse(dir: string): Promise<{ runtime: Runtime; url: string }> {
  const port = await freePort();
  const settings = oauth2Settings();
  const config = buildConfig(
    {},
    {
      ...settings,
      authenticators: { ...(settings.authenticators as object), vouch: { enabled: true, userHeader: 'X-User-Id' } },
      server: { host: '127.0.0.1', port, publicUrl: `http://127.0.0.1:${port}` },
      database: { sqlitePath: join(dir, 'bench.sqlite') },
      security: { masterKey: randomBytes(32).toString('base64') },
      log: { level: 'silent' },
    },
  );
  const runtime = await createRuntime(config, { validateResponses: false });
  return { runtime, url: (await runtime.listen()).url };
}

/** The floor: Express 5 answering the same `{"success":true}` with nothing in front of it. */
async function startBare(): Promise<{ server: Server; url: string }> {
  const app = express();
  app.get('/', (_req, res) => void res.json({ success: true }));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` };
}

/** An account with a browser session, and an access token from the code flow (set up through the SDK). */
async function credentials(gh: { url: string }): Promise<{ cookie: string; token: string }> {
  const user = await signedIn(gh, 'bench');
  const code = await codeFor(user, { client_id: GRAFANA.id, response_type: 'code', redirect_uri: GRAFANA.redirect, scope: 'email' });
  const rp = await backend(gh);
  const issued = must(await sa.grantToken({ client: rp.client, body: { grant_type: 'authorization_code', client_id: GRAFANA.id, client_secret: GRAFANA.secret, code, redirect_uri: GRAFANA.redirect } }));
  if (!issued.data) throw new Error(`no access token: ${JSON.stringify(issued.error)}`);
  return { cookie: user.browser.cookies.get('auth')!, token: issued.data.access_token };
}

async function measure(target: Target): Promise<Measured> {
  const base = { ...target.options, connections: CONNECTIONS, workers: 1 };
  await autocannon({ ...base, duration: WARMUP_SECONDS }); // JIT and connection pools warm
  const result = await autocannon({ ...base, duration: SECONDS });
  return { name: target.name, rps: result.requests.total / result.duration, p99: result.latency.p99, failures: result.non2xx + result.errors };
}

function table(rows: Measured[]): string {
  const bare = rows[0]!;
  const head = ['target', 'req/s', 'p99 ms', 'req/s vs bare', 'p99 vs bare'];
  const body = rows.map((r) => [r.name, r.rps.toFixed(0), r.p99.toFixed(1), `${(r.rps / bare.rps).toFixed(2)}x`, `${(r.p99 / bare.p99).toFixed(1)}x`]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(head), rule, ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-'));
  const stops: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })];
  try {
    const gh = await startGatehouse(dir);
    stops.unshift(() => gh.runtime.close());
    const bare = await startBare();
    stops.unshift(() => new Promise((r) => bare.server.close(r)));
    const { cookie, token } = await credentials(gh);
    const targets: Target[] = [
      { name: 'bare Express handler', options: { url: bare.url } },
      { name: 'GET /api/v1/auth/vouch', options: { url: `${gh.url}/api/v1/auth/vouch`, headers: { cookie: `auth=${cookie}` } } },
      {
        name: 'POST /api/v1/auth/oauth2/token_info',
        options: { url: `${gh.url}/api/v1/auth/oauth2/token_info`, method: 'POST', headers: { authorization: basic(GRAFANA.id, GRAFANA.secret), 'content-type': 'application/json' }, body: JSON.stringify({ token }) },
      },
    ];
    // Other work on the machine skews every figure: show how busy it was.
    process.stderr.write(`${cpus().length} x ${cpus()[0]?.model.trim()}, load average ${loadavg()[0]!.toFixed(2)} before the run\n`);
    const results: Measured[] = [];
    for (const target of targets) {
      process.stderr.write(`measuring ${target.name} (${CONNECTIONS} connections, ${SECONDS} s)\n`);
      results.push(await measure(target));
    }
    console.log(table(results));
    // A benchmark of refusals would measure the wrong path: say so instead of printing a figure.
    const failed = results.filter((r) => r.failures > 0);
    if (failed.length) throw new Error(`non-2xx answers or errors while measuring: ${failed.map((r) => `${r.name} (${r.failures})`).join(', ')}`);
  } finally {
    for (const stop of stops) await stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
