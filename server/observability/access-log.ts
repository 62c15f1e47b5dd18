import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { pinoHttp, type HttpLogger } from 'pino-http';
import type { Logger as PinoLogger } from 'pino';
import { pinoOf, wrap, type Logger } from '../log.js';
import { redactUrl } from './redact-url.js';
import { faceOf, operationOf } from './request-labels.js';

/** When the request reached Gatehouse (performance.now()), for the access line and the histogram. */
export const STARTED = Symbol('gatehouse.started');
type Timed = { [STARTED]?: number };

export function elapsedSeconds(res: ServerResponse): number {
  const started = (res as Timed)[STARTED];
  return started === undefined ? 0 : (performance.now() - started) / 1000;
}

const omit = (): undefined => undefined;

/**
 * One access line per request through pino-http, written by a per-request child logger bound to the
 * request id, which the error handler's lines use too. pino-http's own request/response
 * serialisers are replaced by one flat line built when the answer is finished (the operation and
 * face are known only then); the query string is redacted here. Headers are in the line only at
 * `debug`: serialising them costs about ten times the rest of the line, and there the log's
 * redaction removes the credential ones. Undefined when the logger is silent or not pino-backed:
 * no per-request work then.
 */
export function accessLogger(logger: Logger): HttpLogger | RequestHandler | undefined {
  const root = pinoOf(logger);
  if (!root?.isLevelEnabled('error')) return undefined;
  if (!root.isLevelEnabled('info')) return failuresOnly(root);
  const line = root.isLevelEnabled('debug') ? verboseAccessLine : accessLine;
  return pinoHttp({
    logger: root,
    genReqId: (_req, res) => String((res as Response).locals.requestId),
    customAttributeKeys: { reqId: 'requestId' },
    quietReqLogger: true,
    quietResLogger: true,
    wrapSerializers: false,
    serializers: { req: omit, res: omit, err: omit },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessObject: line,
    customErrorObject: line,
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request completed',
  });
}

/**
 * At `warn` and `error` only failed requests (5xx) have an access line, so no child logger is made
 * per request (pino-http's cost on every request); the line is the one pino-http would write.
 */
function failuresOnly(root: PinoLogger): RequestHandler {
  function written(this: Response): void {
    if (this.statusCode >= 500) root.error({ requestId: this.locals.requestId, ...accessLine(this.req, this) }, 'request completed');
  }
  return (_req: Request, res: Response, next: NextFunction) => {
    res.once('finish', written);
    next();
  };
}

function accessLine(incoming: IncomingMessage, outgoing: ServerResponse): Record<string, unknown> {
  const req = incoming as Request;
  const res = outgoing as Response;
  const operationId = operationOf(req, res);
  return {
    method: req.method,
    path: redactUrl(req.originalUrl),
    status: res.statusCode,
    durationMs: Math.round(elapsedSeconds(res) * 1e6) / 1e3,
    operationId,
    face: faceOf(req, res, operationId),
    ip: req.ip,
    userAgent: req.headers['user-agent'],
    aborted: res.writableFinished ? undefined : true,
  };
}

function verboseAccessLine(incoming: IncomingMessage, outgoing: ServerResponse): Record<string, unknown> {
  return { ...accessLine(incoming, outgoing), reqHeaders: incoming.headers, resHeaders: outgoing.getHeaders() };
}

/** The request's child logger (its lines carry the request id), or the given one outside a request. */
export function requestLogger(res: Response, fallback: Logger): Logger {
  const child = (res as Response & { log?: PinoLogger }).log;
  return child ? wrap(child) : fallback;
}
