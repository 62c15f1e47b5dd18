import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RELYING_PARTY } from './gatehouse-setup.js';
import { freePort, waitForHttp } from './net.js';
import { forkScript, spawnNode, type Child, type Rss } from './processes.js';

/** A server under test, in a process of its own. */
export interface ServerUnderTest {
  name: string;
  origin: string;
  /** answers 2xx when the server is up (Gatehouse's also reaches its database) */
  health: string;
  child: Child;
  /** resident memory once started and set up, before any load */
  idle?: Rss | undefined;
}

async function ready(name: string, child: Child, origin: string, health: string): Promise<ServerUnderTest> {
  await waitForHttp(`${origin}${health}`, () => child.gone, 120_000);
  return { name, origin, health, child };
}

/** A helper server of the bench's own (baseline or peer). */
export async function startHelper(name: string, script: string, root: string, env: Record<string, string> = {}): Promise<ServerUnderTest> {
  const port = await freePort();
  const child = forkScript(name, join(root, 'scripts/bench', script), { ...process.env, ...env, PORT: String(port) }, root);
  const health = { 'oidc-peer.ts': '/.well-known/openid-configuration', 'floor-vouch.ts': '/healthz' }[script] ?? '/';
  return ready(name, child, `http://127.0.0.1:${port}`, health);
}

let prepared = false;

/**
 * The command line `npm start` runs, so the bench starts Gatehouse exactly as production does;
 * what `prestart` does (building the bundle) is done once, before the first start.
 */
function startCommand(root: string): string[] {
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  if (scripts.prestart && !prepared) execFileSync('npm', ['run', '--silent', 'prestart'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  prepared = true;
  const start = scripts.start ?? '';
  // `exec` only makes the shell npm runs hand its process over to node (signals reach node).
  const [command, ...args] = start.trim().replace(/^exec\s+/, '').split(/\s+/);
  if (command !== 'node') throw new Error(`the bench runs "npm start" as a node command line; package.json has "${start}"`);
  // e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/profiles" (Node refuses --cpu-prof in NODE_OPTIONS)
  return [...(process.env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? []), ...args];
}

/**
 * The settings of the Gatehouse under test. Everything not named here keeps its default, and
 * GATEHOUSE_* variables of the bench's own environment pass through (to bench a setting); those
 * below always win, because the targets rely on them.
 */
export function gatehouseEnv(port: number, database: { sqlitePath: string } | { url: string }, bcryptCost: number): Record<string, string> {
  const clients = { [RELYING_PARTY.id]: { name: 'Bench relying party', redirectUris: [RELYING_PARTY.redirect], scopes: ['email'], secretHash: `sha256:${createHash('sha256').update(RELYING_PARTY.secret).digest('hex')}` } };
  return {
    HOST: '127.0.0.1',
    PORT: String(port),
    ...('url' in database ? { DATABASE_URL: database.url } : { GATEHOUSE_SQLITE_PATH: database.sqlitePath }),
    GATEHOUSE_MASTER_KEY: randomBytes(32).toString('base64'),
    GATEHOUSE_LOG_LEVEL: 'warn',
    GATEHOUSE_BCRYPT_COST: String(bcryptCost),
    GATEHOUSE_VOUCH_ENABLED: 'true',
    GATEHOUSE_VOUCH_USER_HEADER: 'X-User-Id',
    GATEHOUSE_OAUTH2_CLIENTS: JSON.stringify(clients),
    // Tokens and the session outlive any run, however long --duration makes it.
    GATEHOUSE_OAUTH2_TOKEN_SECONDS: '86400',
    GATEHOUSE_SESSION_IDLE_SECONDS: '86400',
    // The storm must reach the password check, not the lockout: a storm of 429s measures nothing.
    // The guess budgets still run (every login and every client authentication reserves a guess
    // and settles it), only their limits are out of reach: every request in flight holds a
    // reservation, and the load comes from one address.
    GATEHOUSE_LOGIN_WINDOW_SECONDS: '10',
    GATEHOUSE_LOGIN_MAX_FAILURES_PER_USER: '1000',
    GATEHOUSE_LOGIN_MAX_FAILURES_PER_IP: '100000',
    GATEHOUSE_LOGIN_MAX_FAILURES_PER_CLIENT: '100000',
    // The credentials face counts every request in the database; the highest limit keeps that
    // cost in the figure without answering 429 (100000 a minute is ~1660 req/s sustained).
    GATEHOUSE_CREDENTIALS_REQUESTS_PER_MINUTE: '100000',
  };
}

export async function startGatehouse(name: string, root: string, settings: (port: number) => Record<string, string>): Promise<ServerUnderTest> {
  const port = await freePort();
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['DATABASE_URL', 'SMTP_URL', 'GATEHOUSE_CONFIG', 'HOST', 'PORT'].includes(k)));
  const child = spawnNode(name, startCommand(root), { ...inherited, ...settings(port) }, root);
  return ready(name, child, `http://127.0.0.1:${port}`, '/healthz');
}
