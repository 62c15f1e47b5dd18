import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { freePort, waitForPort } from './net.js';

/** Traefik's `forwardAuth` middleware options the emulation honours (trustForwardHeader: false). */
export interface ForwardAuthConfig {
  address: string;
  authResponseHeaders: string[];
}

export interface TraefikEmulation {
  origin: string;
  stop(): Promise<void>;
}

/** RFC 9110 §7.6.1 connection-specific headers, as Traefik (oxy's HopHeaders) drops them. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'trailers', 'transfer-encoding', 'upgrade'];

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { ...headers };
  for (const name of HOP_BY_HOP) delete out[name];
  return out;
}

/** Sends one request and reads the whole answer; redirects are not followed (Traefik's auth client neither). */
function send(url: string, method: string, headers: OutgoingHttpHeaders, body?: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Traefik is not in Debian, so its ForwardAuth middleware is emulated from its source
 * (pkg/middlewares/auth/forward.go) in front of one service URL:
 * - the auth call is a GET to `address` with the client's headers (hop-by-hop ones dropped) and
 *   X-Forwarded-For/Method/Proto/Host/Uri set from the request (client values not trusted);
 * - an answer outside 2xx goes back to the client as it is: status, headers, Location, body;
 * - on 2xx each `authResponseHeaders` header of the request is deleted, then copied from the
 *   auth answer when it has one, and the request goes on to the service.
 */
export async function startTraefikForwardAuth(config: ForwardAuthConfig, service: string, wantedPort?: number): Promise<TraefikEmulation> {
  const port = wantedPort ?? (await freePort());
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const authHeaders = withoutHopByHop(req.headers);
    delete authHeaders['content-length']; // the auth call is a GET without a body
    delete authHeaders.host; // Go's client sends the address's host
    Object.assign(authHeaders, {
      'x-forwarded-for': req.socket.remoteAddress,
      'x-forwarded-method': req.method,
      'x-forwarded-proto': 'http',
      'x-forwarded-host': req.headers.host,
      'x-forwarded-uri': req.url,
    });
    const auth = await send(config.address, 'GET', authHeaders);
    if (auth.status < 200 || auth.status >= 300) {
      const headers = withoutHopByHop(auth.headers);
      // Go's Response.Location() resolves a relative Location against the auth request's URL.
      if (auth.headers.location) headers.location = new URL(auth.headers.location, config.address).toString();
      res.writeHead(auth.status, headers).end(auth.body);
      return;
    }
    const forwarded = withoutHopByHop(req.headers);
    for (const name of config.authResponseHeaders.map((h) => h.toLowerCase())) {
      delete forwarded[name];
      if (auth.headers[name] !== undefined) forwarded[name] = auth.headers[name];
    }
    const upstream = await send(new URL(req.url!, service).toString(), req.method!, forwarded, body);
    res.writeHead(upstream.status, withoutHopByHop(upstream.headers)).end(upstream.body);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end()); // Traefik answers 500 when the auth call fails
  }).listen(port, '127.0.0.1');
  await waitForPort(port);
  return {
    origin: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
