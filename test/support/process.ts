import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { freePort } from './net.js';
import { repoRoot } from './paths.js';

/** A Gatehouse started the way an operator starts it: `npm start` (or `npm run <script>`) in its own process. */
export interface GatehouseProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** log lines (stderr) and npm's banner (stdout), as they arrive */
  lines: string[];
  /** resolves with the first line matching, waiting up to `timeoutMs` */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** resolves once GET /readyz answers 200 */
  waitForReady(timeoutMs?: number): Promise<void>;
  /** resolves with the exit code (or the signal's name) once the process has exited */
  exited: Promise<number | string>;
  /** the node process serving (npm's child when started through npm) */
  nodePid(): number | undefined;
  /** SIGKILL to node and npm if still running: what a crash or the OOM killer does */
  kill(): void;
}

export interface SpawnOptions {
  /** GATEHOUSE_* and other settings; nothing else of the test's environment is passed on */
  env?: Record<string, string>;
  /** `start` (default), `migrate`, ... run through npm; `node` runs server/main.ts directly */
  script?: string;
  args?: string[];
}

/** Settings every spawned instance gets: a free port on loopback, info logs, a shared master key. */
export const TEST_MASTER_KEY = randomBytes(32).toString('base64');

export async function spawnGatehouse(options: SpawnOptions = {}): Promise<GatehouseProcess> {
  const port = Number(options.env?.PORT ?? (await freePort()));
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    HOST: '127.0.0.1',
    PORT: String(port),
    GATEHOUSE_MASTER_KEY: TEST_MASTER_KEY,
    GATEHOUSE_LOG_LEVEL: 'info',
    ...options.env,
  };
  const script = options.script ?? 'start';
  const [command, args] =
    script === 'node' ? [process.execPath, ['--import', 'tsx', 'server/main.ts']] : ['npm', ['run', '--silent', script, ...(options.args?.length ? ['--', ...options.args] : [])]];
  const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop()!;
      lines.push(...parts.filter(Boolean));
      for (const wake of waiters) wake();
    });
  }
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const waitForLine = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = lines.find((l) => pattern.test(l));
        if (found) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => (waiters.delete(check), reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; got:\n${lines.join('\n')}`))), timeoutMs);
      waiters.add(check);
      check();
    });
  const url = `http://127.0.0.1:${port}`;
  const nodePid = () => (script === 'node' ? child.pid : childrenOf(child.pid!)[0]);
  return {
    child,
    port,
    url,
    lines,
    waitForLine,
    exited,
    async waitForReady(timeoutMs = 45_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before it was ready:\n${lines.join('\n')}`);
        // Its own "listening" line first: a /readyz answer alone could come from another server
        // that took the port (this one then logs "already in use" and exits).
        const listening = lines.some((l) => l.includes('"message":"Gatehouse is listening"'));
        const status = listening
          ? await fetch(`${url}/readyz`).then(
              (r) => r.status,
              () => 0,
            )
          : 0;
        if (status === 200) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`not ready within ${timeoutMs} ms:\n${lines.join('\n')}`);
    },
    nodePid,
    kill() {
      // SIGKILL cannot be forwarded: npm would die and leave node running on its own.
      const node = nodePid();
      if (node !== undefined && node !== child.pid && isRunning(node)) process.kill(node, 'SIGKILL');
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** The processes a process started (Linux /proc): npm's node child, for instance. */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0: it has exited and only waits to be reaped.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** The processes and resources one test starts; `end()` (in afterEach) kills and releases all of them. */
export function processScope() {
  const started: GatehouseProcess[] = [];
  const cleanup: (() => Promise<void>)[] = [];
  return {
    async spawn(options: SpawnOptions = {}): Promise<GatehouseProcess> {
      const p = await spawnGatehouse(options);
      started.push(p);
      return p;
    },
    defer(done: () => Promise<void>): void {
      cleanup.push(done);
    },
    async end(): Promise<void> {
      for (const p of started.splice(0)) p.kill();
      for (const done of cleanup.splice(0).reverse()) await done();
    },
  };
}
