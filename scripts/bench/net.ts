import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Ports below the kernel's ephemeral range that the pick draws from. */
const SPAN = 10_000;

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for a server started next. Drawn at random
 * from just below the kernel's ephemeral range rather than by binding port 0: port 0 hands out a
 * port from the same range the kernel gives every outgoing connection (the tests' own fetches,
 * database clients), so between the pick and the server's bind an outgoing socket could take it
 * (EADDRINUSE, seen in CI). Outside that range only another pick can collide, and the bind below
 * refuses a port that is already taken.
 */
export async function freePort(): Promise<number> {
  const below = ephemeralLow();
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = below - 1 - Math.floor(Math.random() * SPAN);
    if (await bindable(port)) return port;
  }
  return await bindable(0);
}

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (low > SPAN + 1024) return low;
  } catch {
    // not Linux: the IANA dynamic range starts at 49152
  }
  return 49152;
}

/** The port, once bound and released (port 0: the one the kernel chose), or 0 if it was taken. */
function bindable(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' || error.code === 'EACCES' ? resolve(0) : reject(error)));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const bound = (server.address() as { port: number }).port;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * Resolves once `url` answers 2xx. `gone()` is asked between tries so a server that died at
 * start-up fails at once with its own message instead of after the whole timeout.
 */
export async function waitForHttp(url: string, gone: () => string | undefined, timeoutMs = 60_000, tryMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = gone();
    if (dead) throw new Error(dead);
    const ok = await fetch(url, { signal: AbortSignal.timeout(tryMs) }).then(
      (r) => (void r.body?.cancel(), r.ok),
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
