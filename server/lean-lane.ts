import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { runOperation, type BindOptions, type Bound } from './bind.js';
import { laneBodyCheck, laneChecks, type BodyCheck, type Contract, type ParameterCheck } from './lean-lane-contract.js';
import type { RouteTable } from './route-table.js';

interface LaneOperation {
  bound: Bound;
  steps: readonly RequestHandler[];
  checks: Readonly<Record<string, ParameterCheck>>;
  /** a POST's: the media types it takes and the check its parsed body must pass */
  body?: { check: BodyCheck; mediaTypes: ReadonlySet<string> };
}

const PARSE_ERROR = Symbol('body parse error');
type Parsed = IncomingMessage & { [PARSE_ERROR]?: unknown };

/** A POST's parser step in the lane: what the app's parsers refused the body for, if anything. */
const raiseParseError: RequestHandler = (req, _res, next) => next((req as Parsed)[PARSE_ERROR]);

/** Unreserved characters only (RFC 3986 §2.3): the segment is its own decoded value. */
const PLAIN_SEGMENT = /^[\w.~-]+$/;

export interface LeanLaneParts {
  /** the app's own first steps, in its order: request id, observability, cookies */
  prelude: readonly RequestHandler[];
  /** each face's step in front of its operations (`operationPrelude`), as the app mounts it */
  facePreludes: ReadonlyMap<string, RequestHandler>;
  /** the app's body parsers, in its order (the lane runs them before a POST's steps: its answer depends on the body) */
  bodyParsers: readonly RequestHandler[];
  /** the POST operations the lane may take (a body costs a parse and a check: only the hottest) */
  bodyOperations: ReadonlySet<string>;
  /** the app's error handler */
  fail: ErrorRequestHandler;
  bind: BindOptions;
}

/**
 * The lean lane: the hot calls (forward auth's vouch, bearer checks, token introspection) skip
 * Express's router and the contract validator, and run the same steps the app runs for them — the
 * app's own request-id, observability and cookie steps, its body parsers, the face's operation
 * prelude, its authenticator, the operation's handler, the app's error handler — so there is one
 * behaviour at two speeds.
 *
 * It takes only a request the contract validator has nothing to refuse or change in: a GET without
 * a query string or a body, or a POST named in `bodyOperations` without a query string, with a
 * `Content-Length` and a body of a media type the contract declares (the type alone, without
 * parameters such as a charset); its path spelt exactly as the contract spells it; to an
 * operation whose contract declares no required query or header parameter, headers only as plain
 * strings, path parameters only as plain string schemas (pattern, length, enum), which the lane
 * checks on values of unreserved characters, and a body (if any) of plain string properties
 * (`laneBodyCheck`). Anything else (a query string, a percent-escape, a value or a body the check
 * refuses, another spelling of the path, HEAD) goes through the app unchanged, which answers it
 * as it always did; a POST's body is read first, by the app's own parsers, and the app's parsers
 * then find it read (body-parser skips a finished request) and leave it as it is.
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
      const body = parts.bodyOperations.has(bound.operationId) ? laneBodyCheck(contract, bound) : undefined;
      const checks = body ? {} : laneChecks(contract, bound);
      if (!checks) continue;
      const face = parts.facePreludes.get(bound.face.module.face);
      // The body is read before the steps run (#readBody); where the app's parsers stand, the
      // lane raises what they refused.
      const prelude = body ? [...parts.prelude, raiseParseError] : parts.prelude;
      this.#taken.set(bound, { bound, checks, body, steps: face ? [...prelude, face] : prelude });
    }
  }

  /** The operation ids the lane serves. */
  get served(): string[] {
    return [...this.#taken.keys()].map((bound) => bound.operationId);
  }

  readonly listener: RequestListener = (req, res) => {
    const taken = this.#take(req);
    if (!taken) return void this.app(req, res);
    if (taken.operation.body) return this.#readBody(taken.operation, taken.params, req, res);
    this.taken++;
    this.#run(taken.operation, taken.params, req, res);
  };

  /** The operation the lane answers the request for, and its parameters, or undefined for the app. */
  #take(req: IncomingMessage): { operation: LaneOperation; params: Record<string, string> } | undefined {
    const { method, headers } = req;
    if (headers['transfer-encoding'] !== undefined) return undefined;
    if (method === 'GET' && headers['content-length'] === undefined) return this.#match('GET', req.url ?? '');
    // A POST with a body of a known length (an empty one the app refuses or reads as `{}`).
    if (method !== 'POST' || !Number(headers['content-length']) || headers['content-encoding'] !== undefined) return undefined;
    const found = this.#match('POST', req.url ?? '');
    return found?.operation.body?.mediaTypes.has(headers['content-type']?.toLowerCase() ?? '') ? found : undefined;
  }

  /** The operation the lane answers `method url` for, and its parameters, or undefined for the app. */
  #match(method: 'GET' | 'POST', url: string): { operation: LaneOperation; params: Record<string, string> } | undefined {
    if (url.includes('?')) return undefined;
    const found = this.table.match(method, url, false);
    const operation = found && this.#taken.get(found.value);
    if (!operation) return undefined;
    const { params } = found;
    // Exactly the contract's spelling: no trailing slash, no other case (Express accepts both).
    if (operation.bound.route.expressPath.replace(/:(\w+)/g, (_, name: string) => params[name]!) !== url) return undefined;
    for (const [name, check] of Object.entries(operation.checks)) if (!PLAIN_SEGMENT.test(params[name]!) || !check(params[name]!)) return undefined;
    return { operation, params };
  }

  /**
   * A POST: its body read by the app's own parsers first, as the lane's answer depends on it. A
   * body the check refuses goes to the app (the parsers' work is not done twice: body-parser skips
   * a request already read); a body the parsers refused is answered by the lane's steps, which
   * raise the parsers' error where the app's parsers stand.
   */
  #readBody(operation: LaneOperation, params: Record<string, string>, incoming: IncomingMessage, outgoing: ServerResponse): void {
    runSteps(this.parts.bodyParsers, incoming as Request, outgoing as Response, (error) => {
      if (!error && !operation.body!.check((incoming as { body?: unknown }).body)) return void this.app(incoming, outgoing);
      if (error) (incoming as Parsed)[PARSE_ERROR] = error;
      this.taken++;
      this.#run(operation, params, incoming, outgoing);
    });
  }

  #run({ bound, steps }: LaneOperation, params: Record<string, string>, incoming: IncomingMessage, outgoing: ServerResponse): void {
    const { req, res } = asExpress(this.app, incoming, outgoing, params);
    const fail = (error: unknown) => this.parts.fail(error, req, res, () => undefined);
    runSteps(steps, req, res, (error) => (error ? fail(error) : void runOperation(bound, req, res, fail, this.parts.bind)));
  }
}

/**
 * Runs Express steps in turn, as the app's stack would: the first error, or one a step throws,
 * ends the run; `done` gets it, or nothing once every step passed.
 */
function runSteps(steps: readonly RequestHandler[], req: Request, res: Response, done: (error?: unknown) => void): void {
  let i = 0;
  const next: NextFunction = (error?: unknown) => {
    const step = !error && steps[i++];
    if (!step) return done(error);
    try {
      step(req, res, next);
    } catch (thrown) {
      done(thrown);
    }
  };
  next();
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
