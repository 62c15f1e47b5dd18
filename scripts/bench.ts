/**
 * npm run bench — measures Gatehouse's hot paths next to bare node:http and bare Express 5 and a
 * peer (node-oidc-provider), every server in a process of its own, the load from autocannon in
 * another. Gatehouse runs as `npm start` runs it, on SQLite and on a private MariaDB database.
 * Options: npm run bench -- --help. README, "Benchmark", says how to read the report.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setUpGatehouse } from './bench/gatehouse-setup.js';
import { fillSessions } from './bench/sessions.js';
import { hashPoolSize, measureHashMs } from './bench/hash-time.js';
import { LoadGenerator } from './bench/loadgen.js';
import { createPrivateDatabase, redactUrl } from './bench/mariadb.js';
import { measureTarget, settle, type Sample } from './bench/measure.js';
import { parseOptions, USAGE, type BenchOptions } from './bench/options.js';
import { Child } from './bench/processes.js';
import { markdown, summarize, type ProcessReport, type RunInfo } from './bench/report.js';
import { gatehouseEnv, startGatehouse, startHelper, type ServerUnderTest } from './bench/servers.js';
import { DB_LABEL, selectTargets, type Database, type Fixtures, type ServerKey, type Target } from './bench/targets.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (line: string) => process.stderr.write(`${line}\n`);
const cleanups: (() => Promise<unknown>)[] = [];

let cleaning: Promise<void> | undefined;

/** Stops every process, then drops and removes what the run created; once, whoever asks first. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await Child.stopAll();
    for (const step of cleanups.reverse()) await step().catch((error: unknown) => log(`clean-up: ${(error as Error).message}`));
  })();
  return cleaning;
}

async function startServers(targets: Target[], options: BenchOptions, fixtures: Fixtures): Promise<Map<ServerKey, ServerUnderTest>> {
  const keys = new Set(targets.map((t) => t.server));
  // A floor reads the bench's own session, which that store's Gatehouse set up.
  for (const db of ['sqlite', 'mariadb'] as const) if (keys.has(`floor-${db}`)) keys.add(db);
  // Databases first: a missing MariaDB server is reported before any process starts.
  let sqliteDir: string | undefined;
  let mariadb: Awaited<ReturnType<typeof createPrivateDatabase>> | undefined;
  if (keys.has('sqlite')) {
    const dir = (sqliteDir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-')));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    log(`SQLite work dir ${dir}`);
  }
  if (keys.has('mariadb')) {
    const database = (mariadb = await createPrivateDatabase(options.mysqlUrl));
    cleanups.push(() => database.drop().then(() => log(`dropped MariaDB database ${database.name}`)));
    log(`MariaDB database ${database.name}`);
  }
  const servers = new Map<ServerKey, ServerUnderTest>();
  const starting: Promise<void>[] = [];
  const start = (key: ServerKey, server: () => Promise<ServerUnderTest>) => starting.push(server().then((s) => void servers.set(key, s)));
  if (keys.has('node-http')) start('node-http', () => startHelper('bare node:http', 'bare-node-http.ts', ROOT));
  if (keys.has('express')) start('express', () => startHelper('bare Express 5', 'bare-express.ts', ROOT));
  if (keys.has('oidc')) {
    const peer = (fixtures.peer = { clientId: 'bench-peer', clientSecret: randomBytes(24).toString('base64url') });
    start('oidc', () => startHelper('oidc-provider', 'oidc-peer.ts', ROOT, { PEER_CLIENT_ID: peer.clientId, PEER_CLIENT_SECRET: peer.clientSecret }));
  }
  const stores: Partial<Record<Database, { sqlitePath: string } | { url: string }>> = {};
  if (sqliteDir) {
    const store = (stores.sqlite = { sqlitePath: join(sqliteDir, 'gatehouse.sqlite') });
    start('sqlite', () => startGatehouse('Gatehouse · SQLite', ROOT, (port) => gatehouseEnv(port, store, options.bcryptCost)));
  }
  if (mariadb) {
    const store = (stores.mariadb = { url: mariadb.url });
    start('mariadb', () => startGatehouse('Gatehouse · MariaDB', ROOT, (port) => gatehouseEnv(port, store, options.bcryptCost)));
  }
  const results = await Promise.allSettled(starting);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  for (const db of ['sqlite', 'mariadb'] as const) {
    const server = servers.get(db);
    // Storm accounts only where a storm runs: each costs a bcrypt hash at set-up.
    const storms = targets.some((t) => t.server === db && t.storm);
    if (!server) continue;
    const fixture = (fixtures.gatehouse[db] = await setUpGatehouse(server.origin, storms ? options.stormConnections : 0));
    if (options.sessions) await fillSessions(stores[db]!, fixture.login.username, options.sessions, (line) => log(`${server.name}: ${line}`));
    if (keys.has(`floor-${db}`)) {
      const store = stores[db]!;
      const env: Record<string, string> = 'url' in store ? { FLOOR_DATABASE_URL: store.url } : { FLOOR_SQLITE_PATH: store.sqlitePath };
      servers.set(`floor-${db}`, await startHelper(`floor · ${DB_LABEL[db]}`, 'floor-vouch.ts', ROOT, env));
    }
  }
  return servers;
}

async function run(options: BenchOptions, targets: Target[]): Promise<void> {
  const loadBefore = loadavg()[0]!;
  const fixtures: Fixtures = { gatehouse: {} };
  // The servers under test inherit GATEHOUSE_* settings from here.
  if (options.hashPool !== undefined) process.env.GATEHOUSE_HASHING_CONCURRENCY = String(options.hashPool);
  const servers = await startServers(targets, options, fixtures);
  // Idle: started and set up, nothing asked of it for a moment.
  await new Promise((r) => setTimeout(r, 1000));
  for (const server of servers.values()) server.idle = server.child.rss();

  const generators = { load: LoadGenerator.start('load generator', ROOT), storm: targets.some((t) => t.storm) ? LoadGenerator.start('storm generator', ROOT) : undefined };
  const samples = new Map<string, Sample[]>();
  const failures = new Map<string, string>();
  const hashTimes: number[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const target of targets) {
      if (failures.has(target.id)) continue;
      const server = servers.get(target.server)!;
      // The reference hash is timed under the same conditions as the logins it is compared with.
      try {
        if (target.goal.kind === 'logins') hashTimes.push(await settle(server).then(() => measureHashMs(options.bcryptCost)));
        const sample = await measureTarget(target, server, fixtures, generators, options, round);
        samples.set(target.id, [...(samples.get(target.id) ?? []), sample]);
        log(`round ${round}/${options.rounds} · ${target.label}: ${sample.rps.toFixed(0)} req/s, p99 ${sample.starved ? '> duration (nothing completed)' : `${sample.p99.toFixed(1)} ms`}`);
      } catch (error) {
        if (server.child.gone || generators.load.child.gone) throw error;
        // A wrong answer fails the run, but the other targets still get measured: the report
        // shows what failed and why instead of a figure, and the bench exits non-zero.
        failures.set(target.id, `round ${round}: ${(error as Error).message}`);
        samples.delete(target.id);
        log(`round ${round}/${options.rounds} · ${target.label}: FAILED: ${(error as Error).message}`);
      }
    }
  }

  const processes: ProcessReport[] = [...servers.entries()].map(([key, s]) => ({ name: s.name, pid: s.child.pid, gatehouse: key === 'sqlite' || key === 'mariadb', idleMb: s.idle?.now, peakMb: s.child.rss()?.peak }));
  hashTimes.sort((a, b) => a - b);
  const info: RunInfo = {
    started: new Date().toISOString(),
    machine: { cores: availableParallelism(), model: cpus()[0]?.model.trim() ?? 'unknown CPU', node: process.version, loadBefore, loadAfter: loadavg()[0]! },
    options: { ...options, mysqlUrl: redactUrl(options.mysqlUrl) },
    hash: { cost: options.bcryptCost, ms: hashTimes.length ? hashTimes[Math.floor(hashTimes.length / 2)] : undefined, pool: hashPoolSize(options.hashPool) },
  };
  const reports = summarize(targets, samples, failures, info);
  const table = markdown(info, reports, processes);
  const children = Child.all.map((c) => ({ name: c.name, pid: c.pid }));
  process.stdout.write(options.json ? `${JSON.stringify({ ...info, targets: reports, processes, children, table }, null, 2)}\n` : table);
  if (failures.size) throw new Error(`${failures.size} target(s) answered wrongly, so the run failed: ${[...failures.keys()].join(', ')}`);
}

async function main(): Promise<number> {
  let options;
  let targets;
  try {
    options = parseOptions(process.argv.slice(2));
    if (options === 'help') {
      log(USAGE);
      return 0;
    }
    targets = selectTargets(options.only);
  } catch (error) {
    log(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      log(`${signal}: stopping every process the bench started`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  try {
    await run(options, targets);
    return 0;
  } catch (error) {
    if (!interrupted) log(`bench failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await cleanUp();
  }
}

process.exit(await main());
