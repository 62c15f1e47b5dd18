import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PORT_CLAIMS } from '../../scripts/bench/net.js';
import { freePort } from '../support/net.js';

const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number) as [number];
const SPAN = 10_000;
const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
/** The Math.random() value whose draw is `port`. */
const drawOf = (port: number) => (ephemeralLow - 1 - port + 0.5) / SPAN;

describe('freePort', () => {
  afterEach(() => vi.restoreAllMocks());

  it('picks a port below the kernel ephemeral range, where outgoing connections never land, and it can be listened on', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeLessThan(ephemeralLow);
      expect(port).toBeGreaterThanOrEqual(ephemeralLow - SPAN);
    }
    await close(await listen(ports[0]!));
  });

  it('never hands out one port twice, even when the draws repeat (a claim per port, across processes)', async () => {
    const first = await freePort();
    expect(existsSync(join(PORT_CLAIMS, String(first)))).toBe(true);
    // The next draw lands on the same port again; the claim sends the pick on to the one after.
    const draws = [drawOf(first)];
    const random = Math.random.bind(Math);
    vi.spyOn(Math, 'random').mockImplementation(() => draws.shift() ?? random());
    const second = await freePort();
    expect(second).not.toBe(first);
    expect(draws).toEqual([]);
  });

  it('passes over an unclaimed port that something already listens on', async () => {
    // A port in the range that nobody claimed, taken by a server that did not ask freePort.
    let squatted: Server | undefined;
    let port = 0;
    for (let p = ephemeralLow - SPAN; !squatted && p < ephemeralLow; p += 7) {
      if (existsSync(join(PORT_CLAIMS, String(p)))) continue;
      squatted = await listen(p).catch(() => undefined);
      port = p;
    }
    const draws = [drawOf(port)];
    const random = Math.random.bind(Math);
    vi.spyOn(Math, 'random').mockImplementation(() => draws.shift() ?? random());
    const picked = await freePort();
    expect(draws).toEqual([]);
    expect(picked).not.toBe(port);
    await close(squatted!);
  });
});
