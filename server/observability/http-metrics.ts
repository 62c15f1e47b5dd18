import { Counter, Histogram, type Registry } from 'prom-client';
import type { GatehouseError } from '../../core/errors.js';
import { UNAVAILABLE_CAUSES, unavailableCause } from './unavailable-cause.js';

/**
 * Upper bounds in seconds, 1 ms … 5 s: a token check or vouch answers in about a millisecond, a
 * bcrypt verification takes 50–200 ms at cost 10–12, and a request waiting on a dead database gives
 * up at the 3 s acquire timeout; anything past 5 s is an outage, not latency.
 */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Observer {
  observe(value: number): void;
}

/** Per-request HTTP metrics: one histogram observation per answer, one count per 503. */
export class HttpMetrics {
  readonly #duration: Histogram<'operation' | 'face' | 'status'>;
  readonly #unavailable: Counter<'cause'>;
  /**
   * operation → face → status → labelled child. Every key comes from a bounded set (route table,
   * faces, status codes), so this stays small; it spares each request building a labels object.
   */
  readonly #children = new Map<string, Map<string, Map<number, Observer>>>();

  constructor(registry: Registry) {
    this.#duration = new Histogram({
      name: 'gatehouse_http_request_duration_seconds',
      help: 'Time from the request reaching Gatehouse to the last byte of the answer, by contract operation (or unmatched), face and status code.',
      labelNames: ['operation', 'face', 'status'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    });
    this.#unavailable = new Counter({
      name: 'gatehouse_http_unavailable_total',
      help: 'Answers with status 503, by cause: store (database unreachable), draining, hashing_pool, upstream, other.',
      labelNames: ['cause'],
      registers: [registry],
    });
    // Every cause exists from the start at 0, so rate() and alerts see the first 503.
    for (const cause of UNAVAILABLE_CAUSES) this.#unavailable.inc({ cause }, 0);
  }

  observe(operation: string, face: string, status: number, seconds: number): void {
    let byFace = this.#children.get(operation);
    if (!byFace) this.#children.set(operation, (byFace = new Map()));
    let byStatus = byFace.get(face);
    if (!byStatus) byFace.set(face, (byStatus = new Map()));
    let child = byStatus.get(status);
    if (!child) byStatus.set(status, (child = this.#duration.labels(operation, face, String(status))));
    child.observe(seconds);
  }

  unavailable(error: GatehouseError): void {
    this.#unavailable.inc({ cause: unavailableCause(error) });
  }
}
