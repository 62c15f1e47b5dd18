import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import type { ErrorRequestHandler, Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { runOperation, type BindOptions, type Bound } from './bind.js';

interface ContractParameter {
  in?: string;
  required?: boolean;
  schema?: unknown;
}

interface ContractOperation {
  parameters?: (ContractParameter | { $ref: string })[];
  requestBody?: unknown;
}

type Contract = { paths: Record<string, unknown>; components?: { parameters?: Record<string, ContractParameter> } };

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
 * It takes only a request the contract validator has nothing to check in: a GET, without a query
 * string or a body, to an operation whose contract declares no body, no required parameter, no
 * path or cookie parameter, and headers only as plain strings. Such a request is valid by
 * construction. Anything else (a
 * query string, a body, another spelling of the path, HEAD) goes through the app unchanged.
 */
export class LeanLane {
  readonly #operations = new Map<string, { bound: Bound; steps: readonly RequestHandler[] }>();
  /** requests the lane answered (tests read it, to know the lane was taken) */
  taken = 0;

  constructor(
    private readonly app: Express,
    operations: readonly Bound[],
    contract: Contract,
    private readonly parts: LeanLaneParts,
  ) {
    for (const bound of operations) {
      if (bound.route.method !== 'get' || bound.route.expressPath.includes(':') || !nothingToValidate(contract, bound)) continue;
      const face = parts.facePreludes.get(bound.face.module.face);
      this.#operations.set(bound.route.path, { bound, steps: face ? [...parts.prelude, face] : parts.prelude });
    }
  }

  /** The operation ids the lane serves. */
  get served(): string[] {
    return [...this.#operations.values()].map((o) => o.bound.operationId);
  }

  readonly listener: RequestListener = (req, res) => {
    const operation = req.method === 'GET' ? this.#operations.get(req.url ?? '') : undefined;
    if (!operation || req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) return void this.app(req, res);
    this.taken++;
    this.#run(operation.bound, operation.steps, req, res);
  };

  #run(bound: Bound, steps: readonly RequestHandler[], incoming: IncomingMessage, outgoing: ServerResponse): void {
    const { req, res } = asExpress(this.app, incoming, outgoing);
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
function asExpress(app: Express, incoming: IncomingMessage, outgoing: ServerResponse): { req: Request; res: Response } {
  const req = Object.setPrototypeOf(incoming, app.request) as Request;
  const res = Object.setPrototypeOf(outgoing, app.response) as Response;
  (req as { res: Response }).res = res;
  (res as { req: Request }).req = req;
  res.locals = Object.create(null) as Record<string, unknown>;
  req.originalUrl = req.url;
  req.baseUrl = '';
  req.params = {};
  return { req, res };
}

function nothingToValidate(contract: Contract, bound: Bound): boolean {
  const item = contract.paths[bound.route.path] as (Record<string, ContractOperation> & ContractOperation) | undefined;
  const operation = item?.[bound.route.method];
  if (!operation || operation.requestBody !== undefined) return false;
  return [...(item!.parameters ?? []), ...(operation.parameters ?? [])].every((p) => {
    const parameter = '$ref' in p ? contract.components?.parameters?.[p.$ref.split('/').pop()!] : p;
    if (!parameter || parameter.required === true) return false;
    // A query parameter is absent (the lane takes no query string); a header is always a string.
    return parameter.in === 'query' || (parameter.in === 'header' && isDeepStrictEqual(parameter.schema, { type: 'string' }));
  });
}
