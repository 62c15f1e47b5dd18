import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServer, type RunningProxy } from './child-server.js';
import { freePort } from './net.js';

/** Debian's caddy (scripts/ci/ensure-caddy.sh installs it); the tests run their own process. */
export const CADDY_PATH = process.env.CADDY_PATH ?? '/usr/bin/caddy';

export type RunningCaddy = RunningProxy;

/**
 * Starts a private caddy with `siteBlocks` (a Caddyfile without global options) on a free loopback
 * port. The global options added here keep it to itself: no admin endpoint (another caddy may hold
 * :2019), no automatic HTTPS or certificates, loopback only, and its data and config directories in
 * a temp dir (HOME and XDG_*), so nothing outside the test is read or written.
 */
export async function startCaddy(siteBlocks: (port: number) => string, wantedPort?: number): Promise<RunningCaddy> {
  if (!existsSync(CADDY_PATH)) throw new Error(`no caddy at ${CADDY_PATH}: bash scripts/ci/ensure-caddy.sh (or set CADDY_PATH)`);
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-caddy-'));
  const port = wantedPort ?? (await freePort());
  const caddyfile = `{
	admin off
	auto_https off
	default_bind 127.0.0.1
	grace_period 1s
	storage file_system ${join(dir, 'data')}
}

${siteBlocks(port)}
`;
  await writeFile(join(dir, 'Caddyfile'), caddyfile);
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
  const server = await spawnServer(CADDY_PATH, ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], { port, dir, env });
  return { origin: `http://127.0.0.1:${port}`, port, stop: server.stop };
}
