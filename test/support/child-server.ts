import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { waitForPort } from './net.js';

export interface ChildServer {
  stop(): Promise<void>;
}

/** A proxy (nginx, caddy) a test started on a loopback port. */
export interface RunningProxy extends ChildServer {
  origin: string;
  port: number;
}

/**
 * Runs a server binary (nginx, caddy) the test owns: one process, its files in `dir`, listening on
 * `port`. Resolves once the port accepts connections; if the process exits first, rejects with its
 * stderr. `stop` ends that process only (by the PID held here) and removes `dir`.
 */
export async function spawnServer(command: string, args: string[], options: { port: number; dir: string; env?: NodeJS.ProcessEnv }): Promise<ChildServer> {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env: options.env ?? process.env });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const failed = exited.then((code) => {
    throw new Error(`${command} exited (${code}) before listening: ${stderr.trim().slice(-2000)}`);
  });
  try {
    await Promise.race([waitForPort(options.port, 15_000), failed]);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(options.dir, { recursive: true, force: true });
    throw error;
  }
  return {
    async stop() {
      // The test is over: a fast shutdown (SIGTERM), not a graceful wait for keep-alive clients.
      if (child.exitCode === null) child.kill('SIGTERM');
      const late = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(late);
      await rm(options.dir, { recursive: true, force: true });
    },
  };
}
