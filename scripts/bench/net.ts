import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
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
