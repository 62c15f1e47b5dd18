import type { BenchOptions } from './options.js';
import type { LoadGenerator } from './loadgen.js';
import { waitForHttp } from './net.js';
import type { HttpRequest, LoadSummary } from './load-types.js';
import type { ServerUnderTest } from './servers.js';
import type { Answer, Fixtures, Target } from './targets.js';

/** One target's figures in one round. */
export interface Sample {
  round: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /**
   * no request completed while measuring (the server was starved): rps is 0 and p99 is only a
   * lower bound, the measuring time (autocannon drops the requests still open at the end)
   */
  starved: boolean;
  /** the most the server was resident while measured, MB (undefined without /proc) */
  rssMb: number | undefined;
  /** the background storm: failed logins per second and its answers by status */
  storm?: { rps: number; statusCodes: Record<string, number> };
}

export interface Generators {
  load: LoadGenerator;
  storm: LoadGenerator | undefined;
}

async function ask(origin: string, request: HttpRequest): Promise<Answer> {
  const init: RequestInit = { method: request.method, headers: request.headers ?? {}, signal: AbortSignal.timeout(30_000) };
  if (request.body !== undefined) init.body = request.body;
  const response = await fetch(`${origin}${request.path}`, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: `wrong` says whether that matters
  }
  return { status: response.status, headers: response.headers, body };
}

/** One answer checked by hand: the load generator counts statuses only, this reads the body. */
async function probe(target: Target, origin: string, request: HttpRequest, when: string): Promise<void> {
  const answer = await ask(origin, request);
  const reason = answer.status < 200 || answer.status > 299 ? `status ${answer.status}` : target.wrong(answer);
  if (reason) throw new Error(`${when}: ${reason}, not the path being measured: ${JSON.stringify(answer.body).slice(0, 200)}`);
}

/** A non-2xx answer or a connection error means the figure is of some other path: the run fails. */
function assertClean(phase: string, s: LoadSummary): void {
  if (s.non2xx === 0 && s.errors === 0) return;
  const codes = Object.entries(s.statusCodes).map(([code, n]) => `${n}× ${code}`).join(', ');
  throw new Error(`${phase}: ${codes}${s.errors ? `, ${s.errors} connection errors` : ''}`);
}

/** Samples a process's resident memory every 200 ms; `stop()` gives the highest, MB. */
function watchRss(server: ServerUnderTest): () => number | undefined {
  let max: number | undefined;
  const read = () => {
    const now = server.child.rss()?.now;
    if (now !== undefined) max = Math.max(max ?? 0, now);
  };
  read();
  const timer = setInterval(read, 200);
  return () => (clearInterval(timer), read(), max);
}

/**
 * Waits until work queued by the previous target (logins still hashing after their clients left)
 * has drained: the health check queues behind it.
 */
export function settle(server: ServerUnderTest): Promise<void> {
  return waitForHttp(`${server.origin}${server.health}`, () => server.child.gone, 120_000, 30_000);
}

/** Warm-up and measurement (one continuous load), with the storm running through both when the target has one. */
export async function measureTarget(target: Target, server: ServerUnderTest, fixtures: Fixtures, generators: Generators, options: BenchOptions, round: number): Promise<Sample> {
  await settle(server);
  const requests = await target.requests(fixtures, server.origin);
  await probe(target, server.origin, requests[0]!, 'probe before');
  const stormRequests = target.storm?.(fixtures);
  if (stormRequests && !generators.storm) throw new Error('no storm generator');
  const storm = stormRequests ? generators.storm!.start({ origin: server.origin, requests: stormRequests, connections: options.stormConnections, warmup: 0, seconds: 3600 }) : undefined;
  let summary: LoadSummary;
  let rssMb: number | undefined;
  let stormSummary: LoadSummary | undefined;
  try {
    const stopWatching = watchRss(server);
    summary = await generators.load.run({ origin: server.origin, requests, connections: options.connections, warmup: options.warmup, seconds: options.duration });
    rssMb = stopWatching();
    assertClean('under load', summary);
  } finally {
    stormSummary = await storm?.stop();
  }
  if (stormSummary) {
    // Wrong passwords answer 401; anything else (429 from the throttle, 5xx) is another storm.
    const other = Object.entries(stormSummary.statusCodes).filter(([code]) => code !== '401');
    if (other.length || stormSummary.errors) throw new Error(`storm logins not all refused with 401: ${JSON.stringify(stormSummary.statusCodes)}${stormSummary.errors ? `, ${stormSummary.errors} connection errors` : ''}`);
  }
  await probe(target, server.origin, requests[0]!, 'probe after');
  const starved = summary.requests === 0;
  return {
    round,
    rps: summary.rps,
    p50: starved ? options.duration * 1000 : summary.p50,
    p99: starved ? options.duration * 1000 : summary.p99,
    requests: summary.requests,
    starved,
    rssMb,
    ...(stormSummary ? { storm: { rps: stormSummary.rps, statusCodes: stormSummary.statusCodes } } : {}),
  };
}
