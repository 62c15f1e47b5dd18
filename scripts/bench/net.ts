import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Ports below the kernel's ephemeral range that the pick draws from. */
const SPAN = 10_000;

/** One empty file per port handed out, shared by every test worker and bench run on this machine. */
export const PORT_CLAIMS = join(tmpdir(), 'gatehouse-port-claims');
/** Longer than any test keeps a port; a claim older than this is free again. */
const CLAIM_TTL_MS = 15 * 60_000;

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for a server started next. Drawn at random
 * from just below the kernel's ephemeral range rather than by binding port 0: port 0 hands out a
 * port from the same range the kernel gives every outgoing connection (the tests' own fetches,
 * database clients), so between the pick and the server's bind an outgoing socket could take it
 * (EADDRINUSE, seen in CI). Outside that range only another pick could collide: each port is
 * claimed across processes before it is handed out, and the bind below refuses one already taken.
 */
export async function freePort(): Promise<number> {
  const below = ephemeralLow();
  mkdirSync(PORT_CLAIMS, { recursive: true });
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = below - 1 - Math.floor(Math.random() * SPAN);
    // A spawned Gatehouse binds seconds after the pick (npm, the build, migrations): without the
    // claim, another worker could draw the same port in that time and bind it first (seen in CI).
    if (claim(port) && (await bindable(port))) return port;
  }
  return await bindable(0);
}

/** Claims the port for this machine's pickers (exclusive create), or false if it is claimed. */
function claim(port: number): boolean {
  const file = join(PORT_CLAIMS, String(port));
  try {
    closeSync(openSync(file, 'wx'));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  try {
    if (Date.now() - statSync(file).mtimeMs < CLAIM_TTL_MS) return false;
    unlinkSync(file); // a stale claim from an earlier run
    closeSync(openSync(file, 'wx'));
    return true;
  } catch {
    return false; // another picker took it over first
  }
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
