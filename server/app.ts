import { randomUUID } from 'node:crypto';
import cookieParser from 'cookie-parser';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { asGatehouseError, GatehouseError } from '../core/errors.js';
import type { Services } from '../core/services.js';
import { bindFace, bindSecurityFirst, type FaceBinding } from './bind.js';
import { contractFor } from './contract.js';
import { ERROR_RENDERERS, faceOfPath } from './errors/index.js';
import type { Logger } from './log.js';
import { mountPages } from './pages/index.js';
import { csrfCookieIssuer } from './security/csrf.js';

export interface AppOptions {
  services: Services;
  faces: readonly FaceBinding[];
  logger: Logger;
  /** validate every response against the contract (tests); a violation becomes a logged 500 */
  validateResponses: boolean;
}

export function buildApp(options: AppOptions): Express {
  const { services, logger } = options;
  const { config } = services;
  const cookiePolicy = { secure: config.cookies.secure, domain: config.cookies.domain };
  const app = express();
  app.disable('x-powered-by');
  if (config.server.trustProxy) app.set('trust proxy', config.server.trustProxy);

  app.use(requestIdAndDefaults);
  app.use(cookieParser());
  app.use(express.json({ limit: '64kb' }));
  app.use(express.urlencoded({ extended: false, limit: '64kb' }));

  app.get('/healthz', async (_req, res, next) => {
    try {
      await services.store.ping();
      res.json({ status: 'ok' });
    } catch (error) {
      next(error);
    }
  });
  // Every browser call of simple-auth gets the double-submit cookie; vouch is called by a reverse
  // proxy on every proxied request and never returns the cookie, so it gets none.
  const issueCsrfCookie = csrfCookieIssuer(cookiePolicy);
  app.use(['/login', '/api/v1'], (req, res, next) => (req.path === '/auth/vouch' ? next() : issueCsrfCookie(req, res, next)));
  mountPages(app, services);

  for (const binding of options.faces) bindSecurityFirst(app, binding, { services, cookiePolicy });
  const mountedPaths = new Set(options.faces.flatMap((f) => Object.values(f.routes).map((r) => r.path)));
  app.use(
    OpenApiValidator.middleware({
      apiSpec: contractFor(mountedPaths) as never,
      validateRequests: { allowUnknownQueryParameters: false, coerceTypes: true },
      validateResponses: options.validateResponses ? { allErrors: true } : false,
      validateSecurity: false,
      validateApiSpec: false,
      validateFormats: true,
      ignorePaths: /^\/(healthz|login|ui)(\/|$)/,
    }),
  );
  for (const binding of options.faces) bindFace(app, binding, { services, cookiePolicy });

  app.use((req: Request, _res: Response, next: NextFunction) => next(new GatehouseError('not_found', { logDetail: `no route ${req.method} ${req.path}` })));
  app.use(errorHandler(logger));
  return app;
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

function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const domainError = fromFramework(error);
    const face = (res.locals.face as ReturnType<typeof faceOfPath> | undefined) ?? faceOfPath(req.path);
    const fields = { requestId: res.locals.requestId, method: req.method, path: req.path, code: domainError.code, detail: domainError.logDetail, cause: domainError.cause };
    if (domainError.status >= 500) logger.error('request failed', fields);
    else logger.debug('request refused', fields);
    if (res.headersSent) return void res.end();
    // A request the validator refused never reached the binder: take the operation from the validator.
    const operationId = (res.locals.operationId as string | undefined) ?? (req as Request & { openapi?: { schema?: { operationId?: string } } }).openapi?.schema?.operationId;
    const reply = ERROR_RENDERERS[face](domainError, operationId);
    res.status(reply.status).set(reply.headers).json(reply.body);
  };
}
