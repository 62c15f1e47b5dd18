import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { runOperation, type BindOptions, type Bound } from './bind.js';
import { laneChecks, type Contract, type ParameterCheck } from './lean-lane-contract.js';
import type { RouteTable } from './route-table.js';

interface LaneOperation {
  bound: Bound;
  steps: readonly RequestHandler[];
  checks: Readonly<Record<string, ParameterCheck>>;
}

/** Unreserved characters only (RFC 3986 §2.3): the segment is its own decoded value. */
const PLAIN_SEGMENT = /^[\w.~-]+$/;

export interface LeanLaneParts {
  /** the app's own first steps, in its order: request id, observability, cookies */
  prelude: readonly RequestHandler[];
  /** each face's step in front of its operations (`operationPrelude`), as the app mounts it */
  facePreludes: ReadonlyMap<string, RequestHandler>;
  /** the app's error handler */
  fail: ErrorRequestHandler;
  bind: BindOptions;
}

/**
 * The lean lane: the hot read-only calls (forward auth's vouch, bearer checks) skip Express's
 * router, body parsers and the contract validator, and run the same steps the app runs for them —
 * the app's own request-id, observability and cookie steps, the face's operation prelude, its
 * authenticator, the operation's handler, the app's error handler — so there is one behaviour at
 * two speeds.
 *
 * It takes only a request the contract validator has nothing to check in: a GET without a query
 * string or a body, spelt exactly as the contract spells the path, to an operation whose contract
 * declares no body, no required query or header parameter, headers only as plain strings, and
 * path parameters only as plain string schemas (pattern, length, enum), which the lane checks on
 * values of unreserved characters. Anything else (a query string, a body, a percent-escape, a
 * value the schema refuses, another spelling of the path, HEAD) goes through the app unchanged,
 * which answers it as it always did.
 */
export class LeanLane {
  /** what the lane may take, per operation of the app's route table */
  readonly #taken = new Map<Bound, LaneOperation>();
  /** requests the lane answered (tests read it, to know the lane was taken) */
  taken = 0;

  constructor(
    private readonly app: Express,
    /** the app's own route table, so a request reaches the operation it would reach there */
    private readonly table: RouteTable<Bound>,
    operations: readonly Bound[],
    contract: Contract,
    private readonly parts: LeanLaneParts,
  ) {
    for (const bound of operations) {
      const checks = laneChecks(contract, bound);
      if (!checks) continue;
      const face = parts.facePreludes.get(bound.face.module.face);
      this.#taken.set(bound, { bound, checks, steps: face ? [...parts.prelude, face] : parts.prelude });
    }
  }

  /** The operation ids the lane serves. */
  get served(): string[] {
    return [...this.#taken.keys()].map((bound) => bound.operationId);
  }

  readonly listener: RequestListener = (req, res) => {
    const taken = req.method === 'GET' && req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined ? this.#take(req.url ?? '') : undefined;
    if (!taken) return void this.app(req, res);
    this.taken++;
    this.#run(taken.operation, taken.params, req, res);
  };

  /** The operation the lane answers `GET url` for, and its parameters, or undefined for the app. */
  #take(url: string): { operation: LaneOperation; params: Record<string, string> } | undefined {
    if (url.includes('?')) return undefined;
    const found = this.table.match('GET', url, false);
    const operation = found && this.#taken.get(found.value);
    if (!operation) return undefined;
    const { params } = found;
    // Exactly the contract's spelling: no trailing slash, no other case (Express accepts both).
    if (operation.bound.route.expressPath.replace(/:(\w+)/g, (_, name: string) => params[name]!) !== url) return undefined;
    for (const [name, check] of Object.entries(operation.checks)) if (!PLAIN_SEGMENT.test(params[name]!) || !check(params[name]!)) return undefined;
    return { operation, params };
  }

  #run({ bound, steps }: LaneOperation, params: Record<string, string>, incoming: IncomingMessage, outgoing: ServerResponse): void {
    const { req, res } = asExpress(this.app, incoming, outgoing, params);
    const fail = (error: unknown) => this.parts.fail(error, req, res, () => undefined);
    let i = 0;
    const next: NextFunction = (error?: unknown) => {
      if (error) return fail(error);
      const step = steps[i++];
      if (!step) return void runOperation(bound, req, res, fail, this.parts.bind);
      try {
        step(req, res, next);
      } catch (thrown) {
        fail(thrown);
      }
    };
    next();
  }
}

/** What `app.handle` does to a request before its router sees it: Express's request and response. */
function asExpress(app: Express, incoming: IncomingMessage, outgoing: ServerResponse, params: Record<string, string>): { req: Request; res: Response } {
  // The listener's own objects already are (server/express-messages.ts); others (a test's plain
  // node server) get the prototypes the way Express gives them.
  const req = (app.request.isPrototypeOf(incoming) ? incoming : Object.setPrototypeOf(incoming, app.request)) as Request;
  const res = (app.response.isPrototypeOf(outgoing) ? outgoing : Object.setPrototypeOf(outgoing, app.response)) as Response;
  (req as { res: Response }).res = res;
  (res as { req: Request }).req = req;
  res.locals = Object.create(null) as Record<string, unknown>;
  req.originalUrl = req.url;
  req.baseUrl = '';
  req.params = params;
  return { req, res };
}
