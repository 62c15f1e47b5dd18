import type { Express, NextFunction, Request, Response } from 'express';
import { GatehouseError } from '../core/errors.js';
import { decideAuthority } from '../core/kernel/authority.js';
import type { Kernel } from '../core/kernel/index.js';
import type { PresentedCredentials } from '../core/kernel/presented.js';
import type { CookieInstruction } from '../generated/handler-types.gen.js';
import type { HandlerContext } from '../handlers/context.js';
import { writeCookie, type CookiePolicy } from './cookies.js';
import type { MountedFace } from './faces/mount.js';
import { presentedCredentials } from './http-basic.js';
import { clientCertificateOf } from './security/client-certificate.js';
import type { RouteInfo } from './security/types.js';
import { RouteTable } from './route-table.js';

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
export function assertHandlersMatch(face: Pick<MountedFace['module'], 'face' | 'routes' | 'handlers'>): void {
  const operations = new Set(Object.keys(face.routes));
  const handlers = new Set(Object.keys(face.handlers));
  const missing = [...operations].filter((id) => !handlers.has(id));
  const extra = [...handlers].filter((id) => !operations.has(id));
  if (missing.length || extra.length) {
    throw new Error(`${face.face}: handlers do not match the contract (missing: ${missing.join(', ') || 'none'}; unknown: ${extra.join(', ') || 'none'})`);
  }
}

export interface BindOptions {
  kernel: Kernel;
  cookiePolicy: CookiePolicy;
  /** where a trusted TLS-terminating proxy forwards the client certificate ('' when none does) */
  clientCertHeader: string;
}

const CONTEXT = 'gatehouse.context';

/**
 * The request's context, built once: metadata, cookies and the Authorization header decoded once,
 * the face's rules. The security check and the handler of one request share it.
 */
function contextOf(req: Request, res: Response, face: MountedFace, options: BindOptions): HandlerContext {
  const existing = res.locals[CONTEXT] as HandlerContext | undefined;
  if (existing) return existing;
  const ctx: HandlerContext = {
    rules: face.rules,
    meta: { requestId: String(res.locals.requestId ?? ''), ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null },
    principal: undefined,
    cookies: (req.cookies ?? {}) as Record<string, string>,
    credentials: withClientCertificate(presentedCredentials(req.get('authorization')), clientCertificateOf(req, options.clientCertHeader)),
    requestHeaders: req.headers,
    secure: req.secure,
  };
  res.locals[CONTEXT] = ctx;
  return ctx;
}

function withClientCertificate(credentials: PresentedCredentials, certificate: Uint8Array | undefined): PresentedCredentials {
  return certificate ? { ...credentials, clientCertificate: certificate } : credentials;
}

/** Runs the face's authenticator once per request and keeps its principal in the context. */
async function authenticateOnce(req: Request, res: Response, face: MountedFace, route: RouteInfo, options: BindOptions): Promise<HandlerContext> {
  const ctx = contextOf(req, res, face, options);
  if (res.locals.authenticated) return ctx;
  ctx.principal = await face.module.authenticate(req, route, { kernel: options.kernel, rules: face.rules, meta: ctx.meta, cookies: ctx.cookies, credentials: ctx.credentials });
  res.locals.authenticated = true;
  const decision = decideAuthority(ctx.principal, route.authority);
  if (!decision.allowed) {
    throw new GatehouseError('insufficient_scope', { challenge: `Bearer error="insufficient_scope", error_description="the token's scope does not cover this operation"`, logDetail: decision.reason });
  }
  return ctx;
}

export interface Bound {
  face: MountedFace;
  operationId: string;
  route: RouteInfo;
  handler: AnyHandler;
}

/** The operations in the app's order, compiled into one route table (see RouteTable for how it matches). */
export function operationTable(operations: readonly Bound[]): RouteTable<Bound> {
  return new RouteTable(operations.map((bound) => ({ method: bound.route.method, expressPath: bound.route.expressPath, value: bound })));
}

/**
 * For faces that authenticate first: one step, ahead of the contract validator, that checks the
 * caller of a protected operation; the operation's binding then uses the result.
 */
export function bindSecurityFirst(app: Express, operations: readonly Bound[], options: BindOptions): void {
  const table = operationTable(operations.filter(({ face, route }) => face.module.authenticateFirst === true && route.security.length > 0));
  app.use(async (req: Request, res: Response, next: NextFunction) => {
    try {
      const found = table.match(req.method, req.path);
      if (!found) return next();
      const { face, operationId, route } = found.value;
      res.locals.face = face.module.face;
      // A body the validator then refuses before naming the operation (415) is still answered in
      // the operation's own words.
      res.locals.operationId = operationId;
      await authenticateOnce(req, res, face, route, options);
      next();
    } catch (error) {
      next(error);
    }
  });
}

/**
 * Dispatches every operation of the mounted faces through one route table (one step, not one
 * Express route per operation; not a Router either: the validator's coercion needs the app).
 */
export function bindFaces(app: Express, table: RouteTable<Bound>, options: BindOptions): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    let found;
    try {
      found = table.match(req.method, req.path);
    } catch (error) {
      return next(error);
    }
    if (!found) return next();
    req.params = found.params;
    void runOperation(found.value, req, res, next, options);
  });
}

/**
 * The operations of the mounted faces, each with its handler, in the app's order (the binder and
 * the lean lane run them). Fails at start-up when a face's handlers and operations differ.
 */
export function boundOperations(faces: readonly MountedFace[]): Bound[] {
  for (const face of faces) assertHandlersMatch(face.module);
  return faces.flatMap((face) => Object.entries(face.module.routes).map(([operationId, route]) => ({ face, operationId, route, handler: (face.module.handlers as Record<string, AnyHandler>)[operationId]! })));
}

/** Authenticates the caller, runs the operation's handler and writes its reply; failures go to `next`. */
export async function runOperation(bound: Bound, req: Request, res: Response, next: NextFunction, options: BindOptions): Promise<void> {
  const { face, operationId, route, handler } = bound;
  res.locals.face = face.module.face;
  res.locals.operationId = operationId;
  try {
    const ctx = await authenticateOnce(req, res, face, route, options);
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
}

function writeReply(req: Request, res: Response, reply: Reply, policy: CookiePolicy): void {
  res.status(Number(reply.status));
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  for (const cookie of reply.cookies ?? []) writeCookie(res, cookie, req.secure, policy);
  if (reply.body === undefined) {
    res.end();
  } else if (reply.body instanceof Uint8Array) {
    res.end(Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength));
  } else if (reply.headers?.['Cache-Control'] && !reply.headers['Cache-Control'].includes('no-store')) {
    res.json(reply.body); // a cacheable answer keeps Express's ETag, for revalidation
  } else {
    // Serialised here rather than by res.json, which would also hash the answer for an ETag that
    // an answer marked no-store never uses (a hash per request on the hot paths).
    const text = JSON.stringify(reply.body);
    const type = res.getHeader('Content-Type');
    res.setHeader('Content-Type', typeof type !== 'string' ? 'application/json; charset=utf-8' : /;\s*charset=/i.test(type) ? type : `${type}; charset=utf-8`);
    res.setHeader('Content-Length', Buffer.byteLength(text));
    res.end(text);
  }
}
