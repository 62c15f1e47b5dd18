import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../support/net.js';

const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number) as [number];
const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('freePort', () => {
  afterEach(() => vi.restoreAllMocks());

  it('picks a port below the kernel ephemeral range, where outgoing connections never land, and it can be listened on', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeLessThan(ephemeralLow);
      expect(port).toBeGreaterThan(1024);
    }
    await close(await listen(ports[0]!));
  });

  it('passes over a port something already listens on', async () => {
    const squatter = await listen(ephemeralLow - 1); // what a first draw of Math.random() = 0 picks
    const draws = [0, 0.5];
    vi.spyOn(Math, 'random').mockImplementation(() => draws.shift() ?? 0.25);
    const port = await freePort();
    expect(port).not.toBe(ephemeralLow - 1);
    expect(port).toBe(ephemeralLow - 1 - 5000);
    await close(squatter);
  });
});
