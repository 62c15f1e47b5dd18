import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Resident memory of a process, from Linux's /proc (undefined elsewhere, or once it is gone). */
export interface Rss {
  /** VmRSS: resident now, MB */
  now: number;
  /** VmHWM: the most it was ever resident ("high water mark"), MB */
  peak: number;
}

export function readRss(pid: number): Rss | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const now = kb('VmRSS');
    return Number.isNaN(now) ? undefined : { now: now / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/**
 * A process the bench started and must stop. Every one is registered so that a failing or
 * interrupted run still stops them all (stopAll), and the report can name their pids.
 */
export class Child {
  static readonly all: Child[] = [];
  #exit: string | undefined;
  #stderr = '';
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    Child.all.push(this);
    process.stderr.write(`started ${name} (pid ${proc.pid})\n`);
    proc.stderr?.on('data', (chunk: Buffer) => (this.#stderr = (this.#stderr + chunk.toString()).slice(-4000)));
    this.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        this.#exit = `${name} (pid ${proc.pid}) exited with ${signal ?? `code ${code}`}${this.#stderr ? `: ${this.#stderr.trim().split('\n').slice(-5).join(' | ')}` : ''}`;
        resolve();
      });
    });
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  /** Why the process is gone, or undefined while it runs. */
  get gone(): string | undefined {
    return this.#exit;
  }

  rss(): Rss | undefined {
    return this.#exit ? undefined : readRss(this.pid);
  }

  /** SIGTERM (Gatehouse closes its server and pool), SIGKILL if it has not gone in 10 s. */
  async stop(): Promise<void> {
    if (this.#exit) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  static async stopAll(): Promise<void> {
    await Promise.all(Child.all.map((c) => c.stop()));
  }
}

/** A node process running a command line as given (the `npm start` entry, not npm itself). */
export function spawnNode(name: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Child {
  return new Child(name, spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] }));
}

/** One of the bench's own helper scripts (TypeScript, run through tsx), with an IPC channel. */
export function forkScript(name: string, file: string, env: NodeJS.ProcessEnv, cwd: string): Child {
  return new Child(name, fork(file, [], { cwd, env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] }));
}
