import { createServer } from 'node:net';
import { expect, it, vi } from 'vitest';

/**
 * The tests' in-process Gatehouse (test/support/gatehouse.ts) takes the next free port when the
 * one it picked was taken before its listener bound it (a full run once failed on EADDRINUSE).
 */
let taken = 0;
let picks = 0;
vi.mock('../support/net.js', async (original) => {
  const real = (await original()) as { freePort: () => Promise<number> };
  return { ...real, freePort: async () => (++picks === 1 ? taken : real.freePort()) };
});
const { startGatehouse } = await import('../support/gatehouse.js');

it('starts on the next free port when the first one is taken meanwhile', async () => {
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  taken = (squatter.address() as { port: number }).port;
  try {
    const gh = await startGatehouse('sqlite');
    expect(picks).toBe(2);
    expect(new URL(gh.url).port).not.toBe(String(taken));
    expect((await fetch(`${gh.url}/healthz`)).status).toBe(200);
    await gh.stop();
  } finally {
    squatter.close();
  }
});
