import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { childrenOf, isRunning, spawnGatehouse, type GatehouseProcess } from '../support/process.js';

const DEADLINE_SECONDS = 3;

/** A raw client socket and everything the server sent on it. */
interface RawClient {
  socket: Socket;
  received: () => string;
  closed: Promise<void>;
}

async function rawClient(port: number): Promise<RawClient> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let data = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (data += chunk));
  socket.on('error', () => undefined);
  return { socket, received: () => data, closed: new Promise((resolve) => socket.once('close', () => resolve())) };
}

/** Keep-alive traffic from several clients until the server stops answering; every answer is recorded. */
function keepAliveLoad(port: number, clients: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const answers: { status: number; connection: string | undefined }[] = [];
  const errors: string[] = [];
  const once = () =>
    new Promise<boolean>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/livez', agent }, (res) => {
        res.resume().on('end', () => (answers.push({ status: res.statusCode!, connection: res.headers.connection }), resolve(true)));
      });
      req.on('error', (error: NodeJS.ErrnoException) => (errors.push(error.code ?? error.message), resolve(false)));
      req.end();
    });
  const done = Promise.all(
    Array.from({ length: clients }, async () => {
      // Bounded: at most 2,000 requests per client; it ends as soon as the server is gone.
      for (let i = 0; i < 2_000 && (await once()); i++);
    }),
  ).finally(() => agent.destroy());
  return { answers, errors, done };
}

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });

/**
 * `npm start` as a supervisor or container runtime runs it, and SIGTERM as they send it. The
 * process that receives the signal is node itself (the script execs it), nothing stays behind, and
 * shutdown drains: readiness fails at once, requests in flight are answered with
 * `Connection: close`, idle kept-alive connections are closed, and at the deadline whatever is
 * left (a client that sends half a request and stalls) is cut; the exit code is 0.
 */
describe('SIGTERM to npm start', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-shutdown-'));
  let gh: GatehouseProcess | undefined;
  afterEach(() => gh?.kill());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reaches node itself: it exits 0 and leaves no process and nothing listening', async () => {
    gh = await spawnGatehouse({ env: { GATEHOUSE_SQLITE_PATH: join(dir, 'a.sqlite') } });
    await gh.waitForReady();
    const npm = gh.child.pid!;
    const children = childrenOf(npm);
    expect(children).toHaveLength(1);
    // exec: npm's child is node running the bundle, not a shell waiting for it.
    expect(readFileSync(`/proc/${children[0]}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining(['dist/gatehouse.mjs']));
    expect(readFileSync(`/proc/${children[0]}/comm`, 'utf8').trim()).toBe('node');

    gh.child.kill('SIGTERM');
    expect(await gh.exited).toBe(0);
    expect(isRunning(children[0]!)).toBe(false);
    expect(await refused(gh.port)).toBe(true);
    expect(gh.lines.some((l) => l.includes('SIGTERM received: draining'))).toBe(true);
    expect(gh.lines.some((l) => /"message":"stopped"/.test(l))).toBe(true);
  });

  it('drains under keep-alive load and a stalled client, cuts what is left at the deadline, exits 0', async () => {
    gh = await spawnGatehouse({ env: { GATEHOUSE_SQLITE_PATH: join(dir, 'b.sqlite'), GATEHOUSE_SHUTDOWN_TIMEOUT_SECONDS: String(DEADLINE_SECONDS) } });
    await gh.waitForReady();
    const events: string[] = [];

    // An idle kept-alive connection: one answered request, then nothing.
    const idle = await rawClient(gh.port);
    idle.socket.write('GET /livez HTTP/1.1\r\nHost: gatehouse\r\n\r\n');
    await expect.poll(() => idle.received(), { timeout: 10_000 }).toMatch(/\{"status":"ok"\}$/);
    void idle.closed.then(() => events.push('idle connection closed'));
    // A request in flight: its body is half sent when the signal comes.
    const body = JSON.stringify({ username: 'nobody', password: 'not-the-password' });
    const inFlight = await rawClient(gh.port);
    inFlight.socket.write(`POST /auth/local/login HTTP/1.1\r\nHost: gatehouse\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    // A readiness probe on a kept-alive connection whose request completes after the signal.
    const probe = await rawClient(gh.port);
    probe.socket.write('GET /readyz HTTP/1.1\r\nHost: gatehouse\r\n');
    // A client that sends half a request and stalls: only the deadline ends it.
    const stalled = await rawClient(gh.port);
    stalled.socket.write('GET /livez HTTP/1.1\r\nHost: gatehouse\r\nX-Slow: ');
    void stalled.closed.then(() => events.push('stalled connection closed'));
    const load = keepAliveLoad(gh.port, 4);
    await expect.poll(() => load.answers.length, { timeout: 10_000 }).toBeGreaterThan(20);

    gh.child.kill('SIGTERM');
    await gh.waitForLine(/SIGTERM received: draining/);
    inFlight.socket.write(body.slice(10));
    probe.socket.write('\r\n');
    await Promise.all([inFlight.closed, probe.closed]);
    events.push('in-flight requests answered');
    await gh.waitForLine(/shutdown deadline of 3 s reached: cutting 1 connection\(s\) still open/, (DEADLINE_SECONDS + 10) * 1000);
    events.push('deadline');
    expect(await gh.exited).toBe(0);
    await load.done;
    await stalled.closed;

    // The request in flight got its answer (a refused login), told to close the connection.
    expect(inFlight.received()).toMatch(/^HTTP\/1\.1 403 [^]*\r\nConnection: close\r\n[^]*\{"code":403,"message":"invalid username or password"\}$/);
    // Readiness failed from the moment the signal came.
    expect(probe.received()).toMatch(/^HTTP\/1\.1 503 [^]*\r\nConnection: close\r\n[^]*\{"status":"unavailable","reason":"draining"\}$/);
    // The idle connection went at once, the stalled one only at the deadline; it never got an answer.
    expect(events.indexOf('idle connection closed')).toBeLessThan(events.indexOf('deadline'));
    expect(events.indexOf('stalled connection closed')).toBeGreaterThan(events.indexOf('in-flight requests answered'));
    expect(stalled.received()).toBe('');
    // Under load: only successful answers, and the connections ended by the server, not hung.
    expect(load.answers.every((a) => a.status === 200)).toBe(true);
    expect(load.errors.length).toBe(4);
    expect(await refused(gh.port)).toBe(true);
  });
});
