import { parseArgs } from 'node:util';

/** What one `npm run bench` run does; every figure in the report says which of these produced it. */
export interface BenchOptions {
  rounds: number;
  /** seconds measured per target and round */
  duration: number;
  /** seconds of unrecorded load before each measurement (JIT, connection pools, caches) */
  warmup: number;
  connections: number;
  /** concurrent wrong-password logins of the storm targets */
  stormConnections: number;
  /** target ids or selectors (`vouch`, `sqlite`, `vouch:mariadb`); undefined: every target */
  only: string[] | undefined;
  json: boolean;
  quick: boolean;
  /** GATEHOUSE_BCRYPT_COST of the servers under test, and of the reference hash */
  bcryptCost: number;
  /** concurrent hashes the server can run; undefined: min(cores, libuv pool) */
  hashPool: number | undefined;
  /** the MariaDB server that gets a private, dropped-at-the-end database */
  mysqlUrl: string;
  /** rows the sessions table holds during the load (undefined: only the bench's own) */
  sessions: number | undefined;
}

export const USAGE = `npm run bench -- [options]
  --rounds <n>          interleaved rounds; each visits every target once (default 3)
  --duration <s>        seconds measured per target and round (default 10; --quick: 2)
  --warmup <s>          seconds of unrecorded load before each measurement (default 2; --quick: 0.5)
  --connections <n>     concurrent connections of the load generator (default 50)
  --storm <n>           concurrent wrong-password logins during the storm targets (default 20)
  --only <list>         comma-separated target ids or parts of them: vouch, sqlite, vouch:mariadb, floor, oidc
  --quick               short durations for a smoke run
  --json                print the results as JSON instead of the Markdown tables
  --bcrypt-cost <n>     GATEHOUSE_BCRYPT_COST of the servers (default 10, the product's default)
  --hash-pool <n>       GATEHOUSE_HASHING_CONCURRENCY of the servers (default: the cores − 1, at least 1)
  --sessions <n>        fill the sessions table to n rows before the load (e.g. 1000 and 1000000, to
                        see that a session check costs the same)
  --mysql-url <url>     MariaDB/MySQL server for the MariaDB targets (default $GATEHOUSE_BENCH_MYSQL_URL,
                        $GATEHOUSE_TEST_MYSQL_URL or mysql://root@127.0.0.1:3306)`;

function positive(name: string, value: string | undefined, fallback: number, integer = true): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`--${name} must be a positive ${integer ? 'whole ' : ''}number, got ${value}`);
  return n;
}

/** Parses argv (without node and the script); throws with a one-line reason on a bad option. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      storm: { type: 'string' },
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'bcrypt-cost': { type: 'string' },
      'hash-pool': { type: 'string' },
      'mysql-url': { type: 'string' },
      sessions: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick ?? false;
  const bcryptCost = positive('bcrypt-cost', values['bcrypt-cost'], 10);
  if (bcryptCost < 4 || bcryptCost > 15) throw new Error('--bcrypt-cost must be between 4 and 15 (what GATEHOUSE_BCRYPT_COST accepts)');
  const only = values.only?.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  return {
    rounds: positive('rounds', values.rounds, 3),
    duration: positive('duration', values.duration, quick ? 2 : 10, false),
    warmup: positive('warmup', values.warmup, quick ? 0.5 : 2, false),
    connections: positive('connections', values.connections, 50),
    stormConnections: positive('storm', values.storm, 20),
    only: only?.length ? only : undefined,
    json: values.json ?? false,
    quick,
    bcryptCost,
    hashPool: values['hash-pool'] === undefined ? undefined : positive('hash-pool', values['hash-pool'], 1),
    sessions: values.sessions === undefined ? undefined : positive('sessions', values.sessions, 1),
    mysqlUrl: values['mysql-url'] ?? env.GATEHOUSE_BENCH_MYSQL_URL ?? env.GATEHOUSE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306',
  };
}
