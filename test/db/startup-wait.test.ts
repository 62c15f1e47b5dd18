import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connect.js';
import { describeConnectionProblem } from '../../db/startup/diagnose.js';
import { StartupError, waitForDatabase } from '../../db/startup/wait.js';
import { MYSQL_SERVER_URL } from '../support/databases.js';
import { freePort } from '../support/net.js';

/** Start-up against a database that is not there yet: each attempt says why, then it gives up. */
async function attempts(url: string, timeoutSeconds = 1) {
  const db = openDatabase({ url, sqlitePath: '', poolMax: 1, acquireTimeoutMs: 1000 });
  const lines: string[] = [];
  const log = { info: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(m) };
  try {
    const outcome = await waitForDatabase(db, { timeoutSeconds, log, sleep: async () => undefined }).then(
      () => undefined,
      (error: unknown) => error,
    );
    return { lines, outcome };
  } finally {
    await db.destroy();
  }
}

describe('waiting for the database at start-up (the real MariaDB)', () => {
  const server = new URL(MYSQL_SERVER_URL);
  const at = `${server.hostname}:${server.port || 3306}`;

  it('names a missing database and the statement that creates it', async () => {
    const { lines, outcome } = await attempts(`${MYSQL_SERVER_URL}/gh_never_created`);
    const problem = `database "gh_never_created" does not exist on ${at}; create it with: CREATE DATABASE \`gh_never_created\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; GRANT ALL ON \`gh_never_created\`.* TO '${decodeURIComponent(server.username)}'@'%';`;
    expect(lines[0]).toBe(`database not ready (attempt 1, next in 0.5 s): ${problem}`);
    expect(outcome).toBeInstanceOf(StartupError);
    expect((outcome as Error).message).toBe(`gave up waiting for the database after 1 s: ${problem}`);
  });

  it('names the user that was refused, never the password', async () => {
    const { lines, outcome } = await attempts(`mysql://gh_nobody:s3cret-pw@${at}/test`);
    expect(lines[0]).toBe(`database not ready (attempt 1, next in 0.5 s): access denied for user "gh_nobody" on ${at}: check the user name and password in DATABASE_URL`);
    expect(JSON.stringify([lines, (outcome as Error).message])).not.toContain('s3cret-pw');
  });

  it('names the address that refuses connections, and waits forever with 0', async () => {
    const port = await freePort();
    const { lines, outcome } = await attempts(`mysql://root@127.0.0.1:${port}/test`);
    expect(lines[0]).toBe(`database not ready (attempt 1, next in 0.5 s): 127.0.0.1:${port} refused the connection: is the database server running and listening there?`);
    expect((outcome as Error).message).toMatch(/^gave up waiting for the database after 1 s: 127\.0\.0\.1:\d+ refused the connection/);
  });

  it('answers at once when the database is there', async () => {
    const { lines, outcome } = await attempts(`${MYSQL_SERVER_URL}/test`, 0);
    expect([lines, outcome]).toEqual([[], undefined]);
  });

  it('says what an unreachable or unresolvable host is, without the pool’s "probably full"', () => {
    const target = { kind: 'mysql', host: 'db.internal', port: 3306, user: 'gatehouse', database: 'gatehouse', connection: {} } as const;
    expect(describeConnectionProblem({ code: 'ETIMEDOUT' }, target)).toBe('db.internal:3306 is unreachable: no answer before the connect timeout (wrong address, firewall, or the server is down)');
    expect(describeConnectionProblem({ code: 'ENOTFOUND' }, target)).toBe('the database host "db.internal" does not resolve (ENOTFOUND)');
    expect(describeConnectionProblem({ code: 'EHOSTUNREACH' }, target)).toBe('db.internal:3306 is unreachable: no route to the host (EHOSTUNREACH)');
    expect(describeConnectionProblem({ code: 'ER_DBACCESS_DENIED_ERROR' }, target)).toBe('user "gatehouse" may not use database "gatehouse" on db.internal:3306; grant it with: GRANT ALL ON `gatehouse`.* TO \'gatehouse\'@\'%\';');
    expect(describeConnectionProblem({ code: 'SQLITE_CANTOPEN' }, { kind: 'sqlite', path: '/srv/data/g.sqlite' })).toBe(
      'cannot open the SQLite file /srv/data/g.sqlite: check that its directory exists and is writable (SQLITE_CANTOPEN)',
    );
  });
});
