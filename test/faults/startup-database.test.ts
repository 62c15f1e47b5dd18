import { afterEach, describe, expect, it } from 'vitest';
import { migrationSource } from '../../db/migrations/index.js';
import { createTestDatabase, MYSQL_SERVER_URL, type TestDatabase } from '../support/databases.js';
import { freePort } from '../support/net.js';
import { processScope } from '../support/process.js';
import { urlThrough } from '../support/proxied-gatehouse.js';
import { appliedMigrations } from '../support/schema.js';
import { TcpProxy } from '../support/tcp-proxy.js';

/**
 * `npm start` before its database: it waits (one line per attempt saying what is wrong) and
 * serves as soon as the database answers, with no restart. And the operator's path: instances that
 * do not migrate wait until `npm run migrate` has run; `npm run migrate -- status` tells.
 */
describe('start-up and the database', { timeout: 120_000 }, () => {
  const scope = processScope();
  afterEach(() => scope.end());
  const spawn = scope.spawn;
  const database = async (): Promise<TestDatabase> => {
    const db = await createTestDatabase('mysql');
    scope.defer(() => db.drop());
    return db;
  };

  it('waits for a database that is not there yet and serves once it is, without a restart', async () => {
    const target = await database();
    const server = new URL(MYSQL_SERVER_URL);
    const proxy = new TcpProxy(Number(server.port || 3306), server.hostname);
    const port = await freePort();
    // The proxy's port, before the proxy exists: every connection is refused.
    proxy.port = port;
    const gh = await spawn({ env: { DATABASE_URL: urlThrough(proxy, target.url!), GATEHOUSE_DB_STARTUP_TIMEOUT_SECONDS: '0' } });
    const first = await gh.waitForLine(/database not ready \(attempt 2/);
    expect(first).toContain(`127.0.0.1:${port} refused the connection: is the database server running and listening there?`);
    expect(gh.lines.join('\n')).not.toMatch(/\bat \w+ \(|pool is probably full|Knex/);

    await proxy.start(port);
    scope.defer(() => proxy.stop());
    await gh.waitForReady();
    expect(gh.lines.some((l) => /database reachable at 127\.0\.0\.1:\d+ after \d+ attempts/.test(l))).toBe(true);
    expect((await fetch(`${gh.url}/.well-known/jwks.json`)).status).toBe(200);
    gh.child.kill('SIGTERM');
    expect(await gh.exited).toBe(0);
  });

  it('gives up after the start-up timeout with one line and exit code 1', async () => {
    const port = await freePort();
    const gh = await spawn({ env: { DATABASE_URL: `mysql://root@127.0.0.1:${port}/gatehouse`, GATEHOUSE_DB_STARTUP_TIMEOUT_SECONDS: '2' } });
    expect(await gh.exited).toBe(1);
    const last = gh.lines.at(-1)!;
    expect(JSON.parse(last)).toMatchObject({ level: 'error', message: `start-up failed: gave up waiting for the database after 2 s: 127.0.0.1:${port} refused the connection: is the database server running and listening there?` });
    expect(gh.lines.join('\n')).not.toMatch(/\n\s+at /);
  });

  it('with GATEHOUSE_MIGRATE_ON_START=false waits for npm run migrate; migrate -- status exits 1 while pending, 0 after', async () => {
    const target = await database();
    const env = { DATABASE_URL: target.url!, GATEHOUSE_MIGRATE_ON_START: 'false' };
    const pending = await spawn({ script: 'migrate', args: ['status'], env });
    expect(await pending.exited).toBe(1);
    expect(pending.lines.filter((l) => !l.startsWith('{'))).toEqual([...(await migrationSource.getMigrations([])).map((name) => `pending  ${name}`), `${(await migrationSource.getMigrations([])).length} pending: run npm run migrate`]);

    const gh = await spawn({ env });
    await gh.waitForLine(new RegExp(`waiting for the schema: ${(await migrationSource.getMigrations([])).length} migration\\(s\\) pending`));
    expect((await fetch(`${gh.url}/livez`).catch(() => undefined))?.status).toBeUndefined();

    const migrate = await spawn({ script: 'migrate', env });
    expect(await migrate.exited).toBe(0);
    expect(migrate.lines).toContain(`schema up to date: ${(await migrationSource.getMigrations([])).length} migration(s) applied`);
    await gh.waitForReady();
    expect(await appliedMigrations(target.db)).toEqual(await migrationSource.getMigrations([]));

    const current = await spawn({ script: 'migrate:status', env });
    expect(await current.exited).toBe(0);
    expect(current.lines).toContain('up to date');
    gh.child.kill('SIGTERM');
    expect(await gh.exited).toBe(0);
  });
});
