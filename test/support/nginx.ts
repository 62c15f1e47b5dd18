import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServer, type RunningProxy } from './child-server.js';
import { freePort } from './net.js';

/** Debian's nginx (scripts/ci/ensure-nginx.sh installs it); the tests run their own process. */
export const NGINX_PATH = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

export type RunningNginx = RunningProxy;

/**
 * Starts a private nginx on a free loopback port: one foreground process (no daemon, no master),
 * with its pid, logs and temp files in a temp dir, so it needs no root-owned paths and the PID
 * held here is the whole server. `serverBlock` gets the port and returns the http-context blocks
 * (`upstream`, `server { ... }`); pass `wantedPort` when something else must know it first (an
 * allow-list naming nginx's origin).
 */
export async function startNginx(serverBlock: (port: number) => string, wantedPort?: number): Promise<RunningNginx> {
  // A missing nginx fails the test: forward auth is only proven behind the real proxy.
  if (!existsSync(NGINX_PATH)) throw new Error(`no nginx at ${NGINX_PATH}: bash scripts/ci/ensure-nginx.sh (or set NGINX_PATH)`);
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-nginx-'));
  const port = wantedPort ?? (await freePort());
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, t)};`).join('\n');
  const conf = `daemon off;
master_process off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 64; }
http {
  access_log ${join(dir, 'access.log')};
${temp}
${serverBlock(port)}
}
`;
  await writeFile(join(dir, 'nginx.conf'), conf);
  // -e: nginx opens its default error log before it reads the config; keep even that in the dir.
  const server = await spawnServer(NGINX_PATH, ['-p', dir, '-c', 'nginx.conf', '-e', join(dir, 'error.log')], { port, dir });
  return { origin: `http://127.0.0.1:${port}`, port, stop: server.stop };
}
