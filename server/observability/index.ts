import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Knex } from 'knex';
import { Registry } from 'prom-client';
import type { GatehouseError } from '../../core/errors.js';
import { NO_TELEMETRY, type Telemetry } from '../../core/telemetry.js';
import type { Logger } from '../log.js';
import { accessLogger, elapsedSeconds, requestLogger, STARTED } from './access-log.js';
import { HttpMetrics } from './http-metrics.js';
import { registerPoolMetrics } from './pool-metrics.js';
import { processRegistry } from './process-metrics.js';
import { faceOf, operationOf } from './request-labels.js';
import { prometheusTelemetry } from './telemetry.js';

export interface ObservabilityOptions {
  logger: Logger;
  db: Knex;
  /** GATEHOUSE_METRICS_ENABLED: serve /metrics and count */
  metricsEnabled: boolean;
}

/** What one runtime has for operators to watch it: access log, metrics, the core's telemetry. */
export interface Observability {
  /** the first middleware after the request id: starts the clock, the access line and the histogram observation */
  readonly middleware: RequestHandler;
  /** GET /metrics in the Prometheus text format; undefined when metrics are off */
  readonly metrics: RequestHandler | undefined;
  /** what the core reports (logins, guess budgets), counted in this runtime's registry */
  readonly telemetry: Telemetry;
  /** counts a 503 answer by its cause */
  unavailable(error: GatehouseError): void;
  /** the logger for lines about this request: they carry its request id */
  requestLogger(res: Response, fallback: Logger): Logger;
}

export function createObservability(options: ObservabilityOptions): Observability {
  const access = accessLogger(options.logger);
  if (!options.metricsEnabled) {
    return {
      middleware: timed(access, undefined),
      metrics: undefined,
      telemetry: NO_TELEMETRY,
      unavailable: () => undefined,
      requestLogger,
    };
  }
  // A registry per runtime: several instances in one process (tests) never share or collide.
  const registry = new Registry();
  const processMetrics = processRegistry();
  const http = new HttpMetrics(registry);
  registerPoolMetrics(registry, options.db);
  return {
    middleware: timed(access, http),
    metrics: async (_req, res, next) => {
      try {
        const text = `${await processMetrics.metrics()}\n${await registry.metrics()}`;
        res.status(200).type(registry.contentType).send(text);
      } catch (error) {
        next(error);
      }
    },
    telemetry: prometheusTelemetry(registry),
    unavailable: (error) => http.unavailable(error),
    requestLogger,
  };
}

function timed(access: RequestHandler | undefined, http: HttpMetrics | undefined): RequestHandler {
  // One listener function per runtime, not a closure per request.
  const record = http
    ? function (this: Response) {
        const operation = operationOf(this.req, this);
        http.observe(operation ?? 'unmatched', faceOf(this.req, this, operation), this.statusCode, elapsedSeconds(this));
      }
    : undefined;
  return (req: Request, res: Response, next: NextFunction) => {
    (res as Response & { [STARTED]?: number })[STARTED] = performance.now();
    if (record) res.once('finish', record);
    if (access) access(req, res, next);
    else next();
  };
}
