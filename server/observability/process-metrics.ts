import { collectDefaultMetrics, Registry } from 'prom-client';

let shared: Registry | undefined;

/**
 * prom-client's process metrics (CPU, memory, heap, handles, GC, event-loop lag as
 * `nodejs_eventloop_lag_*`) in a registry of their own, made once per process: they describe the
 * process, which every Gatehouse runtime in it shares. Collecting them per runtime would start one
 * more event-loop-delay monitor and GC observer for each instance (tests run many in one process),
 * none of which prom-client can stop. prom-client's global default registry is never used, so
 * nothing else in the process can collide with these names.
 */
export function processRegistry(): Registry {
  if (!shared) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
  }
  return shared;
}
