import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Bound } from './bind.js';
import type { Contract } from './lean-lane-contract.js';
import type { RouteTable } from './route-table.js';

/** The contract's mark on a GET that changes state (it redeems, or starts a flow). */
export const STATE_CHANGING_GET = 'x-gatehouse-state-changing';

const AS_GET = Symbol('HEAD handled as GET');
/** In the order `Allow` names them; HEAD goes wherever GET does, unless the GET changes state. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * HEAD (RFC 9110 §9.3.2): wherever GET is served, HEAD answers with GET's status and header
 * fields and no content (node writes no body for a HEAD response). The validator knows only the
 * contract's methods, so it sees the GET the HEAD mirrors (`before`), and everything after it sees
 * HEAD again (`after`); the binder's route table serves HEAD by GET, as Express does.
 *
 * Not on a GET the contract marks state-changing (a one-time link's redemption, the OpenID login
 * and its callback): HEAD is a safe method (§9.2.1), and mail scanners and link previews send it,
 * so it must never redeem a link. Such a HEAD stays a HEAD and is refused with 405, as before.
 */
export class HeadAsGet {
  readonly #stateChanging: ReadonlySet<Bound>;

  constructor(
    private readonly table: RouteTable<Bound>,
    operations: readonly Bound[],
    contract: Contract,
  ) {
    this.#stateChanging = new Set(operations.filter((bound) => bound.route.method === 'get' && (contract.paths[bound.route.path] as Record<string, Record<string, unknown>> | undefined)?.get?.[STATE_CHANGING_GET] === true));
  }

  readonly before: RequestHandler = (req: Request, _res: Response, next: NextFunction) => {
    if (req.method === 'HEAD' && this.#servesHead(req.path)) {
      req.method = 'GET';
      (req as Request & { [AS_GET]?: true })[AS_GET] = true;
    }
    next();
  };

  readonly after: RequestHandler = (req: Request, _res: Response, next: NextFunction) => {
    this.restore(req);
    next();
  };

  /** HEAD again for what follows the validator, and for the error handler when it refused. */
  restore(req: Request): void {
    if ((req as Request & { [AS_GET]?: true })[AS_GET]) req.method = 'HEAD';
  }

  /** The `Allow` field of a 405 for `path` (RFC 9110 §15.5.6): the methods its operations take. */
  allowed(path: string): string {
    return METHODS.filter((method) => (method === 'HEAD' ? this.#servesHead(path) : this.table.match(method, path, false))).join(', ');
  }

  #servesHead(path: string): boolean {
    const get = this.table.match('GET', path, false)?.value;
    return get !== undefined && !this.#stateChanging.has(get);
  }
}
