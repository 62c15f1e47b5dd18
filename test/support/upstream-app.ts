import { createServer, type IncomingMessage } from 'node:http';
import { freePort, waitForPort } from './net.js';

/** One request the application behind the proxy received. */
export interface AppHit {
  method: string;
  url: string;
  /** X-User-Id as the proxy passed it (null when absent or empty) */
  user: string | null;
  body: string;
}

export interface UpstreamApp {
  origin: string;
  /** `127.0.0.1:<port>`, for a proxy recipe's upstream address */
  address: string;
  seen: AppHit[];
  stop(): Promise<void>;
}

/**
 * The application a forward-auth proxy protects: it has no login of its own, trusts the
 * X-User-Id the proxy sets, and answers each request with what it received, as JSON.
 */
export async function startUpstreamApp(): Promise<UpstreamApp> {
  const port = await freePort();
  const seen: AppHit[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hit = { method: req.method!, url: req.url!, user: (req.headers['x-user-id'] as string | undefined) || null, body: Buffer.concat(chunks).toString() };
      seen.push(hit);
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(hit));
    });
  }).listen(port, '127.0.0.1');
  await waitForPort(port);
  return {
    origin: `http://127.0.0.1:${port}`,
    address: `127.0.0.1:${port}`,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // a proxy's keep-alive connections would hold close() open
      }),
  };
}
