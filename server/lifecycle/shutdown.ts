import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Lifecycle } from '../../core/faces/ops/index.js';
import type { Logger } from '../log.js';

/** The process's serving state: readiness reads it, the request wrapper and shutdown write it. */
export class ServingState implements Lifecycle {
  draining = false;
  readonly #inFlight = new Set<ServerResponse>();

  /**
   * Wraps the app: once draining, every answer carries `Connection: close` (RFC 9112 §9.6), so a
   * client on a kept-alive connection sends its next request elsewhere instead of into a socket
   * that is about to be closed. Answers still being worked on when draining begins get it too.
   */
  wrap(app: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      if (this.draining) {
        res.setHeader('Connection', 'close');
      } else {
        this.#inFlight.add(res);
        res.once('close', () => this.#inFlight.delete(res));
      }
      app(req, res);
    };
  }

  startDraining(): void {
    this.draining = true;
    for (const res of this.#inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
  }
}

export interface DrainOutcome {
  /** connections still open at the deadline, cut without an answer */
  cut: number;
  milliseconds: number;
}

/**
 * Graceful stop of the HTTP server: readiness fails at once, no new connections are accepted,
 * idle kept-alive connections are closed (now and whenever one becomes idle), requests in flight
 * finish; at `deadlineMs` whatever is left (a slow client, a request that hangs) is cut. Without
 * the deadline, one client that trickles a request keeps the process alive for minutes.
 */
export async function drainServer(server: Server, state: ServingState, deadlineMs: number, logger: Logger): Promise<DrainOutcome> {
  const started = Date.now();
  state.startDraining();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // A connection whose response was already under way when draining began goes idle afterwards,
  // still kept alive: close those as they appear.
  const sweeper = setInterval(() => server.closeIdleConnections(), 100);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), deadlineMs)));
  try {
    if ((await Promise.race([closed.then(() => 'drained' as const), deadline])) === 'drained') return { cut: 0, milliseconds: Date.now() - started };
    const cut = await new Promise<number>((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));
    logger.warn(`shutdown deadline of ${deadlineMs / 1000} s reached: cutting ${cut} connection(s) still open`);
    server.closeAllConnections();
    await closed;
    return { cut, milliseconds: Date.now() - started };
  } finally {
    clearInterval(sweeper);
    clearTimeout(timer);
  }
}
