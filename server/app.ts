import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cookieParser from 'cookie-parser';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { asGatehouseError, GatehouseError } from '../core/errors.js';
import type { Config } from '../core/config.js';
import type { Kernel } from '../core/kernel/index.js';
import { faces as FACE_TABLE, type FaceName } from '../generated/faces.gen.js';
import { bindFaces, bindSecurityFirst, boundOperations, operationTable, type Bound } from './bind.js';
import { expressMessages, type ExpressMessages } from './express-messages.js';
import { HeadAsGet } from './head.js';
import { LeanLane } from './lean-lane.js';
import type { RouteTable } from './route-table.js';
import { contractFor } from './contract.js';
import { DOCS_PATHS, mountDocs } from './docs.js';
import { faceOfPath } from './errors/face-of-path.js';
import { statusOf } from './errors/status.js';
import type { FaceErrorRenderer } from './errors/types.js';
import type { MountedFace } from './faces/mount.js';
import type { Logger } from './log.js';
import type { Observability } from './observability/index.js';

export interface AppOptions {
  kernel: Kernel;
  config: Config;
  faces: readonly MountedFace[];
  logger: Logger;
  /** validate every response against the contract (tests); a violation becomes a logged 500 */
  validateResponses: boolean;
  /** access log, /metrics and the 503 counter (server/observability/) */
  observability?: Observability;
}

export interface BuiltApp {
  app: Express;
  /** what the listener serves: the lean lane, in front of the app */
  lane: LeanLane;
  /** the classes the listener makes its requests and responses with (server/express-messages.ts) */
  messages: ExpressMessages;
}

export function buildApp(options: AppOptions): BuiltApp {
  const { kernel, config, logger } = options;
  const cookiePolicy = { secure: config.cookies.secure, domain: config.cookies.domain };
  const app = express();
  const messages = expressMessages(app);
  app.disable('x-powered-by');
  if (config.server.trustProxy) app.set('trust proxy', config.server.trustProxy);

  const cookies = cookieParser();
  app.use(requestIdAndDefaults);
  // Scrapes are neither logged nor timed: they would drown the access log and the histogram.
  if (options.observability?.metrics) app.get('/metrics', options.observability.metrics);
  if (options.observability) app.use(options.observability.middleware);
  app.use(cookies, plainCookies);
  // application/*+json too: SCIM clients send application/scim+json (RFC 7644 §3.1).
  const bodyParsers = [
    express.json({ limit: '64kb', type: ['application/json', 'application/*+json'], verify: noteEmptyBody }),
    express.urlencoded({ extended: false, limit: '64kb', verify: noteEmptyBody }),
  ];
  app.use(...bodyParsers);

  app.get('/healthz', async (_req, res, next) => {
    try {
      const reason = await kernel.readiness();
      // A load balancer must stop sending traffic here (e.g. a Galera node without quorum).
      if (reason) return void res.status(503).set('Retry-After', '5').json({ status: 'unavailable', reason });
      res.json({ status: 'ok' });
    } catch (error) {
      next(error);
    }
  });
  const facePreludes = new Map<FaceName, RequestHandler>();
  for (const { module, rules } of options.faces) {
    const prelude = module.operationPrelude?.({ rules, kernel, cookiePolicy });
    if (prelude) {
      app.use(basePathOf(module.face), prelude);
      facePreludes.set(module.face, prelude);
    }
    module.mount?.(app, { rules, kernel, cookiePolicy });
  }
  mountDocs(app, options.faces.map((f) => f.module));

  const bindOptions = { kernel, cookiePolicy, clientCertHeader: config.server.clientCertHeader };
  const operations = boundOperations(options.faces);
  const table = operationTable(operations);
  bindSecurityFirst(app, operations, bindOptions);
  const mountedPaths = new Set(options.faces.flatMap((f) => Object.values(f.module.routes).map((r) => r.path)));
  // Read, never changed, by the HEAD mapping and the lean lane. The validator gets a copy of its
  // own: its ref parser and schema preprocessor change the document they are given.
  const contract = contractFor(mountedPaths);
  const head = new HeadAsGet(table, operations, contract);
  app.use(head.before);
  app.use(
    OpenApiValidator.middleware({
      apiSpec: contractFor(mountedPaths) as never,
      // Query, path and header values are text and always coerced to their declared types; bodies
      // are not (coerceTypes false): JSON carries its own types, and `{"password": true}` or
      // `{"ttl_seconds": "900"}` breaks the contract instead of becoming "true" or 900.
      validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false },
      validateResponses: options.validateResponses ? { allErrors: true } : false,
      validateSecurity: false,
      validateApiSpec: false,
      validateFormats: true,
      ignorePaths: (path: string) => /^\/(healthz|login|ui)(\/|$)/.test(path) || DOCS_PATHS.test(path),
    }),
  );
  app.use(head.after, requireDeclaredBody, refuseInexactIntegers);
  bindFaces(app, table, bindOptions);

  app.use((req: Request, _res: Response, next: NextFunction) => next(new GatehouseError('not_found', { logDetail: `no route ${req.method} ${req.path}` })));
  const renderers = new Map(options.faces.map((f) => [f.module.face, f.module.renderError]));
  const fail = errorHandler(logger, operationMatcher(table), renderers, head, options.observability);
  app.use(fail);
  const prelude = [requestIdAndDefaults, ...(options.observability ? [options.observability.middleware] : []), cookies, plainCookies];
  const lane = new LeanLane(app, table, operations, contract, { prelude, facePreludes, bodyParsers, bodyOperations: LANE_BODY_OPERATIONS, fail, bind: bindOptions });
  return { app, lane, messages };
}

/** POSTs the lean lane takes: token introspection (RFC 7662), which every API behind Gatehouse calls. */
const LANE_BODY_OPERATIONS: ReadonlySet<string> = new Set(['introspectToken']);

const basePathOf = (face: FaceName): string => FACE_TABLE.find((f) => f.name === face)!.basePath || '/';

const EMPTY_BODY = Symbol('empty body');

function noteEmptyBody(req: IncomingMessage, _res: ServerResponse, raw: Buffer): void {
  if (raw.length === 0) (req as IncomingMessage & { [EMPTY_BODY]?: boolean })[EMPTY_BODY] = true;
}

/**
 * body-parser reads a zero-byte JSON or form body as `{}`, and express-openapi-validator enforces a
 * required request body only through the schema's required properties: an empty body sent to an
 * operation whose body is required but has no required property would pass. Refused here.
 */
function requireDeclaredBody(req: Request, _res: Response, next: NextFunction): void {
  const operation = (req as Request & { openapi?: { schema?: { requestBody?: { required?: boolean } } } }).openapi?.schema;
  const empty = (req as Request & { [EMPTY_BODY]?: boolean })[EMPTY_BODY] === true || req.body === undefined;
  if (operation?.requestBody?.required && empty) {
    return next(new GatehouseError('validation_failed', { message: '/body: request body is required', fields: [{ path: '/body', message: 'request body is required' }] }));
  }
  next();
}

/**
 * cookie-parser turns a `j:`-prefixed value into whatever JSON it holds (an object, a number…).
 * Every Gatehouse cookie is an opaque string: such a value goes back to the string it was sent as,
 * so a forged `auth=j:{}` is an unknown session (401), not a TypeError (500).
 */
function plainCookies(req: Request, _res: Response, next: NextFunction): void {
  const cookies = (req.cookies ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(cookies)) if (typeof value !== 'string') cookies[name] = `j:${JSON.stringify(value)}`;
  next();
}

/**
 * A whole number beyond ±2^53 passes the contract's `type: integer` (and often has no `maximum`)
 * but cannot be held exactly: it would reach the store rounded, or be refused by the driver (SQLite
 * answers "datatype mismatch" to `OFFSET 1e20`, a 500). Refused as a contract violation instead.
 */
function refuseInexactIntegers(req: Request, _res: Response, next: NextFunction): void {
  const pathParams = (req as Request & { openapi?: { pathParams?: unknown } }).openapi?.pathParams;
  const pending: [string, unknown][] = [
    ['/query', req.query],
    ['/path', pathParams],
    ['/body', req.body],
  ];
  for (let seen = 0; pending.length && seen < 10_000; seen++) {
    const [where, value] = pending.pop()!;
    if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
      const message = value > 0 ? `must be <= ${Number.MAX_SAFE_INTEGER}` : `must be >= ${Number.MIN_SAFE_INTEGER}`;
      return next(new GatehouseError('validation_failed', { message: `${where}: ${message}`, fields: [{ path: where, message }] }));
    }
    if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) pending.push([`${where}/${key}`, inner]);
  }
  next();
}

type OperationMatcher = (method: string, path: string) => { operationId: string; face: FaceName } | undefined;

/**
 * The mounted operation a request is addressed to, from the route tables alone (matched as the
 * binder matches). A request refused before it reached both the validator and the binder (a body
 * that does not parse, a path that does not decode) is still answered in its operation's error
 * shape, e.g. RFC 6749 on the OAuth2 endpoints.
 */
function operationMatcher(table: RouteTable<Bound>): OperationMatcher {
  // Parameters stay undecoded: a path that does not decode still names its operation.
  return (method, path) => {
    const bound = table.match(method, path, false)?.value;
    return bound && { operationId: bound.operationId, face: bound.face.module.face };
  };
}

function requestIdAndDefaults(req: Request, res: Response, next: NextFunction): void {
  const given = req.get('x-request-id');
  const requestId = given && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
  res.locals.requestId = requestId;
  res.setHeader('X-Request-Id', requestId);
  // Identity answers are personal: no shared cache may keep them (handlers may override).
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}

/** Maps what express-openapi-validator and body-parser throw into the domain's error. */
function fromFramework(error: unknown): GatehouseError {
  const e = error as { status?: number; type?: string; errors?: { path?: string; message?: string }[]; message?: string };
  if (e && typeof e.status === 'number' && !(error instanceof GatehouseError)) {
    if (e.type === 'entity.parse.failed' || e.type === 'entity.too.large' || e.status === 400 || e.status === 415) {
      const fields = (e.errors ?? []).map((f) => ({ path: f.path ?? '/', message: f.message ?? 'invalid' }));
      const message = fields.length ? fields.map((f) => `${f.path}: ${f.message}`).join('; ') : 'malformed request';
      return new GatehouseError('validation_failed', { message, fields, cause: error });
    }
    if (e.status === 404) return new GatehouseError('not_found', { cause: error });
    if (e.status === 405) return new GatehouseError('method_not_allowed', { cause: error });
  }
  return asGatehouseError(error);
}

function errorHandler(rootLogger: Logger, operationOf: OperationMatcher, renderers: ReadonlyMap<FaceName, FaceErrorRenderer>, head: HeadAsGet, observability?: Observability) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    head.restore(req);
    const domainError = fromFramework(error);
    const logger = observability ? observability.requestLogger(res, rootLogger) : rootLogger;
    const addressed = res.locals.face === undefined ? operationOf(req.method, req.path) : undefined;
    const face = (res.locals.face as FaceName | undefined) ?? addressed?.face ?? faceOfPath(req.path);
    // The request's child logger carries the request id already.
    const fields = { requestId: logger === rootLogger ? res.locals.requestId : undefined, method: req.method, path: req.path, code: domainError.code, detail: domainError.logDetail, cause: domainError.cause };
    if (statusOf(domainError) >= 500) logger.error('request failed', fields);
    else logger.debug('request refused', fields);
    if (res.headersSent) return void res.end();
    // A request the validator refused never reached the binder: take the operation from the validator.
    const operationId =
      (res.locals.operationId as string | undefined) ?? (req as Request & { openapi?: { schema?: { operationId?: string } } }).openapi?.schema?.operationId ?? addressed?.operationId;
    const render = renderers.get(face) ?? renderers.get('platform')!;
    const reply = render(domainError, operationId);
    if (reply.status === 503) observability?.unavailable(domainError);
    // RFC 9110 §15.5.6: a 405 names the methods the resource does take.
    if (domainError.code === 'method_not_allowed') res.set('Allow', head.allowed(req.path));
    res.status(reply.status).set(reply.headers).json(reply.body);
  };
}
