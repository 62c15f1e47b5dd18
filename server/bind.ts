import type { Express, NextFunction, Request, Response } from 'express';
import type { CookieInstruction } from '../generated/handler-types.gen.js';
import type { FaceName } from '../generated/faces.gen.js';
import type { HandlerContext } from '../handlers/context.js';
import type { Services } from '../core/services.js';
import { writeCookie, type CookiePolicy } from './cookies.js';
import { presentedCredentials } from './http-basic.js';
import type { Authenticator, RouteInfo } from './security/types.js';

/** A face ready to mount: its generated route table, its handler map and its security. */
export interface FaceBinding {
  face: FaceName;
  routes: Readonly<Record<string, RouteInfo>>;
  handlers: object;
  authenticate: Authenticator;
  /**
   * run the security check before contract validation (401/403 before 400), as a face whose
   * protected operations must not reveal their request rules to strangers requires
   */
  authenticateFirst?: boolean;
}

interface Reply {
  status: number | string;
  body?: unknown;
  headers?: Record<string, string>;
  cookies?: readonly CookieInstruction[];
}

type AnyHandler = (input: { body: unknown; query: unknown; path: unknown; headers: unknown; ctx: HandlerContext }) => Promise<Reply>;

/**
 * Fails at start-up, not per request (connexion's rule): a mounted face's operationIds and its
 * handlers must be the same set.
 */
export function assertHandlersMatch(binding: FaceBinding): void {
  const operations = new Set(Object.keys(binding.routes));
  const handlers = new Set(Object.keys(binding.handlers));
  const missing = [...operations].filter((id) => !handlers.has(id));
  const extra = [...handlers].filter((id) => !operations.has(id));
  if (missing.length || extra.length) {
    throw new Error(`${binding.face}: handlers do not match the contract (missing: ${missing.join(', ') || 'none'}; unknown: ${extra.join(', ') || 'none'})`);
  }
}

export interface BindOptions {
  services: Services;
  cookiePolicy: CookiePolicy;
}

/**
 * For faces that authenticate first: registers, ahead of the contract validator, a check per
 * protected operation whose result the operation's binding then uses.
 */
export function bindSecurityFirst(app: Express, binding: FaceBinding, options: BindOptions): void {
  if (!binding.authenticateFirst) return;
  for (const [operationId, route] of Object.entries(binding.routes)) {
    if (route.security.length === 0) continue;
    const method = route.method as 'get' | 'post' | 'put' | 'delete' | 'patch';
    app[method](route.expressPath, async (req: Request, res: Response, next: NextFunction) => {
      res.locals.face = binding.face;
      // A body the validator then refuses before naming the operation (415) is still answered in
      // the operation's own words.
      res.locals.operationId = operationId;
      try {
        res.locals.principal = await binding.authenticate(req, route, contextFor(req, res, options.services));
        res.locals.authenticated = true;
        next();
      } catch (error) {
        next(error);
      }
    });
  }
}

/** Registers every operation of a face on the app (not a Router: the validator's coercion needs it). */
export function bindFace(app: Express, binding: FaceBinding, options: BindOptions): void {
  assertHandlersMatch(binding);
  const handlers = binding.handlers as Record<string, AnyHandler>;
  for (const [operationId, route] of Object.entries(binding.routes)) {
    const handler = handlers[operationId]!;
    const method = route.method as 'get' | 'post' | 'put' | 'delete' | 'patch';
    app[method](route.expressPath, async (req: Request, res: Response, next: NextFunction) => {
      res.locals.face = binding.face;
      res.locals.operationId = operationId;
      try {
        const ctx = contextFor(req, res, options.services);
        ctx.principal = res.locals.authenticated ? (res.locals.principal as HandlerContext['principal']) : await binding.authenticate(req, route, ctx);
        const reply = await handler({
          body: req.body,
          query: req.query,
          path: (req as Request & { openapi?: { pathParams?: unknown } }).openapi?.pathParams ?? req.params,
          headers: req.headers,
          ctx,
        });
        writeReply(req, res, reply, options.cookiePolicy);
      } catch (error) {
        next(error);
      }
    });
  }
}

function contextFor(req: Request, res: Response, services: Services): HandlerContext {
  return {
    services,
    meta: { requestId: String(res.locals.requestId ?? ''), ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null },
    principal: undefined,
    cookies: (req.cookies ?? {}) as Record<string, string>,
    credentials: presentedCredentials(req.get('authorization')),
    requestHeaders: req.headers,
    secure: req.secure,
  };
}

function writeReply(req: Request, res: Response, reply: Reply, policy: CookiePolicy): void {
  res.status(Number(reply.status));
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  for (const cookie of reply.cookies ?? []) writeCookie(res, cookie, req.secure, policy);
  if (reply.body === undefined) {
    res.end();
  } else if (reply.body instanceof Uint8Array) {
    res.end(Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength));
  } else {
    res.json(reply.body);
  }
}
