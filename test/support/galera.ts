import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { freePort } from './net.js';
import { repoRoot } from './paths.js';

const run = promisify(execFile);

/** Debian's mariadb-server and galera-4 (scripts/ci/ensure-galera.sh installs them). */
export const MARIADBD = process.env.MARIADBD_PATH ?? '/usr/sbin/mariadbd';
export const GALERA_PROVIDER = process.env.GALERA_PROVIDER ?? '/usr/lib/galera/libgalera_smm.so';
/** `loopback_copy` (test/support/wsrep_sst_loopback_copy.sh, fast) or `rsync` (Debian's script). */
const SST_METHOD = process.env.GATEHOUSE_GALERA_SST ?? 'loopback_copy';
const START_TIMEOUT_MS = 120_000;

interface Ports {
  sql: number;
  gcomm: number;
  ist: number;
  sst: number;
}

/** Every mariadbd this process started; killed if the test process exits without stopping them. */
const children = new Set<ChildProcess>();
process.once('exit', () => children.forEach((child) => child.kill('SIGKILL')));

/** One private mariadbd of the cluster: own datadir, socket, SQL, group, IST and SST ports. */
export class GaleraNode {
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    readonly dir: string,
    readonly ports: Ports,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** DATABASE_URL of this node (root with an empty password, loopback only). */
  url(database?: string): string {
    return `mysql://root@127.0.0.1:${this.ports.sql}${database ? `/${database}` : ''}`;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Starts the server; resolves once it is synced with the cluster (or, bootstrapping, ready). */
  async start(options: { bootstrap?: boolean } = {}): Promise<void> {
    const args = [`--defaults-file=${join(this.dir, 'my.cnf')}`, ...(options.bootstrap ? ['--wsrep-new-cluster'] : [])];
    const child = spawn(MARIADBD, args, { env: this.env, stdio: 'ignore' });
    this.#child = child;
    children.add(child);
    this.#exited = new Promise((resolve) => child.once('exit', () => (children.delete(child), resolve())));
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (!this.running) throw new Error(`${this.name} exited while starting:\n${await this.logTail()}`);
      const status = await this.status().catch(() => undefined);
      if (status?.wsrep_ready === 'ON' && status.wsrep_local_state_comment === 'Synced') return;
      if (Date.now() > deadline) throw new Error(`${this.name} not synced after ${START_TIMEOUT_MS} ms:\n${await this.logTail()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** A crash: SIGKILL, no goodbye to the group (the others notice after evs.suspect_timeout). */
  async kill(): Promise<void> {
    this.#child?.kill('SIGKILL');
    await this.#exited;
  }

  /** The node's wsrep status variables (wsrep_ready, wsrep_cluster_status, ...). */
  async status(): Promise<Record<string, string>> {
    const rows = await this.query("SHOW GLOBAL STATUS LIKE 'wsrep_%'", [], { causal: false });
    return Object.fromEntries(rows.map((r) => [String(r.Variable_name), String(r.Value)]));
  }

  /**
   * One statement over a connection of its own (what an operator's client would see). Reads are
   * causal by default: a commit on another node returns once certified, not once applied here, so
   * without `wsrep_sync_wait` this node may still show the row as it was (seen in CI).
   */
  async query(sql: string, values: unknown[] = [], { causal = true } = {}): Promise<RowDataPacket[]> {
    const connection = await createConnection({ host: '127.0.0.1', port: this.ports.sql, user: 'root', connectTimeout: 2000 });
    try {
      if (causal) await connection.query('SET SESSION wsrep_sync_wait = 1');
      const [rows] = await connection.query<RowDataPacket[]>(sql, values);
      return rows;
    } finally {
      await connection.end().catch(() => undefined);
    }
  }

  async logTail(lines = 40): Promise<string> {
    const log = await readFile(join(this.dir, 'error.log'), 'utf8').catch(() => '(no error log)');
    return log.split('\n').slice(-lines).join('\n');
  }
}

export interface GaleraCluster {
  nodes: GaleraNode[];
  stop(): Promise<void>;
}

/**
 * Starts a MariaDB Galera cluster on loopback: the first node is initialised and bootstraps a new
 * cluster (--wsrep-new-cluster), the others join it by state transfer. Each node has its own
 * datadir, socket and ports; nothing outside a temp dir is touched. Start it once per run.
 */
export async function startGaleraCluster(size = 3): Promise<GaleraCluster> {
  for (const path of [MARIADBD, GALERA_PROVIDER]) {
    if (!existsSync(path)) throw new Error(`no ${path}: bash scripts/ci/ensure-galera.sh`);
  }
  const base = await mkdtemp(join(tmpdir(), 'gatehouse-galera-'));
  const bin = join(base, 'bin');
  await mkdir(bin);
  await copyFile(join(repoRoot, 'test/support/wsrep_sst_loopback_copy.sh'), join(bin, 'wsrep_sst_loopback_copy'));
  await chmod(join(bin, 'wsrep_sst_loopback_copy'), 0o755);
  // mariadbd refuses to run as root; it switches to the `mysql` account that owns the files.
  const user = process.getuid?.() === 0 ? 'mysql' : undefined;
  const ports = await distinctPorts(size);
  const env = { ...process.env, PATH: `${bin}:/usr/sbin:${process.env.PATH ?? '/usr/bin:/bin'}` };
  const nodes: GaleraNode[] = [];
  for (let i = 0; i < size; i++) {
    const dir = join(base, `n${i + 1}`);
    await mkdir(join(dir, 'data'), { recursive: true });
    await writeFile(join(dir, 'my.cnf'), nodeConfig(dir, `n${i + 1}`, ports[i]!, ports, user));
    nodes.push(new GaleraNode(`n${i + 1}`, dir, ports[i]!, env));
  }
  if (user) await run('chown', ['-R', `${user}:${user}`, base]);
  const cluster: GaleraCluster = {
    nodes,
    async stop() {
      await Promise.all(nodes.map((node) => node.kill()));
      await rm(base, { recursive: true, force: true });
    },
  };
  try {
    const first = nodes[0]!;
    await run('mariadb-install-db', [`--defaults-file=${join(first.dir, 'my.cnf')}`, '--wsrep-on=OFF', '--auth-root-authentication-method=normal', '--skip-test-db'], { env });
    await first.start({ bootstrap: true });
    await Promise.all(nodes.slice(1).map((node) => node.start()));
    return cluster;
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

async function distinctPorts(size: number): Promise<Ports[]> {
  const taken = new Set<number>();
  const next = async (): Promise<number> => {
    for (;;) {
      const port = await freePort();
      if (!taken.has(port)) return taken.add(port), port;
    }
  };
  const ports: Ports[] = [];
  for (let i = 0; i < size; i++) ports.push({ sql: await next(), gcomm: await next(), ist: await next(), sst: await next() });
  return ports;
}

/**
 * What Galera needs (binlog_format=ROW, innodb_autoinc_lock_mode=2, InnoDB) and what keeps a test
 * cluster small and quick: a small buffer pool and redo log, no performance schema, and group
 * timeouts short enough that a killed node is noticed within seconds (defaults: 5 s suspect, 15 s).
 */
function nodeConfig(dir: string, name: string, own: Ports, all: Ports[], user: string | undefined): string {
  const provider = [
    `gmcast.listen_addr=tcp://127.0.0.1:${own.gcomm}`,
    `ist.recv_addr=127.0.0.1:${own.ist}`,
    'gcache.size=32M',
    'evs.keepalive_period=PT1S',
    'evs.inactive_check_period=PT0.5S',
    'evs.suspect_timeout=PT3S',
    'evs.inactive_timeout=PT6S',
    'evs.install_timeout=PT6S',
  ].join(';');
  return `[mysqld]
${user ? `user=${user}` : ''}
datadir=${join(dir, 'data')}
socket=${join(dir, 'mysqld.sock')}
pid-file=${join(dir, 'mysqld.pid')}
log-error=${join(dir, 'error.log')}
port=${own.sql}
bind-address=127.0.0.1
skip-name-resolve
skip-log-bin
performance_schema=OFF
default_storage_engine=InnoDB
binlog_format=ROW
innodb_autoinc_lock_mode=2
innodb_buffer_pool_size=32M
innodb_log_file_size=8M
innodb_flush_log_at_trx_commit=2
wsrep_on=ON
wsrep_provider=${GALERA_PROVIDER}
wsrep_cluster_name=gatehouse-test
wsrep_cluster_address=gcomm://${all.map((p) => `127.0.0.1:${p.gcomm}`).join(',')}
wsrep_node_name=${name}
wsrep_node_address=127.0.0.1:${own.gcomm}
wsrep_provider_options="${provider}"
wsrep_sst_method=${SST_METHOD}
wsrep_sst_receive_address=127.0.0.1:${own.sst}
`;
}
