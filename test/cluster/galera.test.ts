import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { KnexCounterRepository } from '../../db/repositories/counters.js';
import { KnexOidcRepository, KnexSetupRepository } from '../../db/repositories/platform.js';
import { createKernelStore, faceStore } from '../../db/store.js';
import { ManualClock } from '../../core/clock.js';
import { migrationSource } from '../../db/migrations/index.js';
import { conflictRetryCounts } from '../../db/retry.js';
import * as platform from '../../generated/platform/sdk.gen.js';
import * as portal from '../../generated/portal/sdk.gen.js';
import * as sa from '../../generated/simple-auth/sdk.gen.js';
import { startGaleraCluster, type GaleraCluster, type GaleraNode } from '../support/galera.js';
import { clusterShared, startInstanceOn } from '../support/galera-gatehouse.js';
import type { TestGatehouse } from '../support/gatehouse.js';
import { backend, codeFor, GRAFANA, oauth2Settings, signedIn } from '../support/oauth2.js';
import { ADMIN, platformCaller } from '../support/platform.js';
import { createUser, portalClient } from '../support/portal.js';
import { callerWithCookie, enrolTotp, must, simpleAuthCaller } from '../support/simple-auth.js';
import { totpAt } from '../support/totp-reference.js';

/** Runs `work` for every item with at most `width` in flight. */
async function inParallel<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  }));
  return results;
}

const sorted = (statuses: number[]) => [...statuses].sort((a, b) => a - b);
/** What three simultaneous attempts at one single-use thing answer: one winner, two losers. */
const oneWinner = (winner: number, loser: number) => [winner, loser, loser];

/**
 * Gatehouse on a three-node MariaDB Galera cluster on loopback, one instance per node, everything
 * through the generated SDKs. The cluster starts once for the file; the tests run in order and
 * the last ones kill nodes. Figures (wall times, retries) are printed at the end.
 */
describe('Gatehouse on a three-node MariaDB Galera cluster', () => {
  const wallStart = Date.now();
  const retriesAtStart = conflictRetryCounts();
  const figures: Record<string, number | string> = {};
  const clock = new ManualClock(new Date());
  const shared = clusterShared(clock, {
    ...oauth2Settings(),
    onetime: { allowForgotPassword: true },
    portal: { requestsPerMinute: 1000 },
    // A sign-in load on one account from one address: every sign-in in flight holds a reserved
    // guess until its password is checked, so the budgets must cover the load's concurrency.
    login: { maxFailuresPerUser: 1000, maxFailuresPerIp: 1000 },
  });
  let cluster: GaleraCluster;
  let instances: TestGatehouse[] = [];
  let adaCookie: string;

  beforeAll(async () => {
    const started = Date.now();
    cluster = await startGaleraCluster(3);
    await cluster.nodes[0]!.query('CREATE DATABASE gatehouse CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
    figures.clusterStartMs = Date.now() - started;
  }, 240_000);

  afterAll(async () => {
    await Promise.all(instances.map((gh) => gh.stop()));
    await cluster?.stop();
    figures.wallMs = Date.now() - wallStart;
    const retries = conflictRetryCounts();
    figures.retriesInRun = `${retries.transaction - retriesAtStart.transaction} transactions, ${retries.statement - retriesAtStart.statement} statements, ${retries.exhausted - retriesAtStart.exhausted} exhausted`;
    console.info(`galera cluster figures: ${JSON.stringify(figures)}`);
  }, 60_000);

  it('three instances starting at once on the empty cluster migrate it exactly once', async () => {
    const started = Date.now();
    const starts = await Promise.allSettled(cluster.nodes.map((node) => startInstanceOn(node, shared)));
    instances = starts.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    for (const s of starts) if (s.status === 'rejected') throw s.reason;
    figures.migrateMs = Date.now() - started;
    const expected = await migrationSource.getMigrations([]);
    for (const node of cluster.nodes) {
      const names = (await node.query('SELECT name FROM gatehouse.knex_migrations')).map((r) => r.name as string);
      expect(names.sort()).toEqual([...expected].sort());
    }
    // Galera replicates rows by primary key: a table without one would be a liability.
    const keyless = await cluster.nodes[1]!.query(
      `SELECT t.table_name FROM information_schema.tables t WHERE t.table_schema = 'gatehouse' AND NOT EXISTS
         (SELECT 1 FROM information_schema.table_constraints c WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.constraint_type = 'PRIMARY KEY')`,
    );
    expect(keyless).toEqual([]);
  }, 240_000);

  it('lets one of three simultaneous bootstraps win, fresh or with one token; the others get 403', async () => {
    const attempt = (gh: TestGatehouse, i: number, token?: string) =>
      platform.bootstrapComplete({ client: platformCaller(gh).client, body: { username: `admin${i}`, password: ADMIN.password, principal_name: `admin-${i}`, ...(token ? { bootstrap_token: token } : {}) } });
    const fresh = (await Promise.all(instances.map((gh, i) => attempt(gh, i)))).map(must);
    expect(sorted(fresh.map((r) => r.response.status))).toEqual(oneWinner(201, 403));
    expect(fresh.filter((r) => r.response.status === 403).map((r) => r.error)).toEqual([0, 1].map(() => ({ code: 403, message: 'valid bootstrap token required' })));
    const adminToken = fresh.find((r) => r.response.status === 201)!.data!.token;

    const minted = must(await platform.createBootstrapToken({ client: platformCaller(instances[1]!, { token: adminToken }).client, body: {} }));
    expect([minted.response.status, minted.error]).toEqual([201, undefined]);
    const token = minted.data!.bootstrap_token;
    const withToken = (await Promise.all(instances.map((gh, i) => attempt(gh, i + 10, token)))).map(must);
    expect(sorted(withToken.map((r) => r.response.status))).toEqual(oneWinner(201, 403));
    const admins = await cluster.nodes[2]!.query('SELECT COUNT(*) AS n FROM gatehouse.accounts WHERE is_admin = 1');
    expect(Number(admins[0]!.n)).toBe(2);
  });

  it('redeems an authorization code and a refresh token once across nodes; the losers get invalid_grant', async () => {
    const ada = await signedIn(instances[0]!, 'ada');
    adaCookie = ada.browser.cookies.get('auth')!;
    const redeem = (body: Record<string, string>) => Promise.all(instances.map(async (gh) => must(await sa.grantToken({ client: (await backend(gh)).client, body: body as never }))));
    const client = { client_id: GRAFANA.id, client_secret: GRAFANA.secret };
    const newCode = () => codeFor(ada, { client_id: GRAFANA.id, response_type: 'code', redirect_uri: GRAFANA.redirect, scope: 'openid email username' });
    for (let round = 0; round < 3; round++) {
      const results = await redeem({ grant_type: 'authorization_code', code: await newCode(), redirect_uri: GRAFANA.redirect, ...client });
      expect(sorted(results.map((r) => r.response.status))).toEqual(oneWinner(200, 400));
      expect(results.filter((r) => r.response.status === 400).map((r) => (r.error as { error: string }).error)).toEqual(['invalid_grant', 'invalid_grant']);
    }
    for (let round = 0; round < 3; round++) {
      const rp = (await backend(instances[round]!)).client;
      const first = must(await sa.grantToken({ client: rp, body: { grant_type: 'authorization_code', code: await newCode(), redirect_uri: GRAFANA.redirect, ...client } }));
      const results = await redeem({ grant_type: 'refresh_token', refresh_token: first.data!.refresh_token!, ...client });
      expect(sorted(results.map((r) => r.response.status))).toEqual(oneWinner(200, 400));
      expect(results.filter((r) => r.response.status === 400).map((r) => (r.error as { error: string }).error)).toEqual(['invalid_grant', 'invalid_grant']);
    }
  });

  it('accepts a TOTP code and a one-time link once when presented at three nodes at once', async () => {
    const bob = await signedIn(instances[0]!, 'bob');
    const secret = await enrolTotp({ clock }, bob);
    clock.advance(30);
    const code = totpAt(secret, clock.now());
    const logins = await Promise.all(instances.map(async (gh) => must(await sa.createSession({ client: (await simpleAuthCaller(gh)).client, body: { username: 'bob', password: 'bob-password', totp: code } }))));
    expect(sorted(logins.map((r) => r.response.status))).toEqual(oneWinner(200, 401));
    expect(logins.filter((r) => r.response.status === 401).map((r) => r.error)).toEqual([0, 1].map(() => ({ error: true, message: 'totp-failed', reason: 'totp-failed' })));

    must(await sa.createOnetime({ client: (await simpleAuthCaller(instances[1]!)).client, body: { email: 'ada@example.com' } }));
    // The link is mailed by whichever instance's worker claims the job first.
    const mailed = () => instances.flatMap((gh) => gh.mail);
    await expect.poll(() => mailed().length, { timeout: 10_000 }).toBe(1);
    const token = new URL(/https?:\/\/\S+/.exec(mailed()[0]!.text)![0]).searchParams.get('token')!;
    const opened = await Promise.all(
      instances.map(async (gh) => must(await sa.onetimeAuthenticate({ client: (await simpleAuthCaller(gh)).client, query: { token }, headers: { Accept: 'application/json' } }))),
    );
    expect(sorted(opened.map((r) => r.response.status))).toEqual(oneWinner(200, 401));
    expect(opened.filter((r) => r.response.status === 401).map((r) => (r.error as { reason: string }).reason)).toEqual(['invalid-token', 'invalid-token']);
  });

  it('re-runs a transaction that failed certification, and answers a burst of shared-row writes without 503', async () => {
    const before = conflictRetryCounts();
    // A deterministic certification conflict: node 2 commits a write of a row that a transaction
    // on node 1 has written but not committed yet. Node 1's commit fails (1213); the store re-runs it.
    const [storeA, storeB] = [createKernelStore(instances[0]!.runtime.db), createKernelStore(instances[1]!.runtime.db)];
    const ada = (await storeA.accounts.findByUsername('ada'))!;
    let runs = 0;
    await storeA.transaction(async (tx) => {
      runs++;
      await tx.accounts.setPassword(ada.id, 'written-through-n1', clock.now());
      if (runs === 1) await storeB.accounts.setPassword(ada.id, 'written-through-n2', clock.now());
    });
    expect(runs).toBe(2);
    expect((await cluster.nodes[2]!.query("SELECT password_hash FROM gatehouse.accounts WHERE username = 'ada'"))[0]!.password_hash).toBe('written-through-n1');

    // The operator's finding: 90 parallel portal sign-ins across the nodes, plus anonymous web-UI
    // visits that each count a failed web-session lookup (one shared counter).
    const dana = await createUser(instances[0]!, 'dana');
    const started = Date.now();
    const requests = Array.from({ length: 150 }, (_, i) => i);
    const statuses = await inParallel(requests, 30, async (i) => {
      const gh = instances[i % 3]!;
      if (i % 5 === 4) return (await fetch(`${gh.url}/ui`, { headers: { cookie: 'ui_session=forged' } })).status;
      return must(await portal.portalLogin({ client: portalClient(gh), body: { email: dana.email, password: dana.password } })).response.status;
    });
    figures.burstMs = Date.now() - started;
    expect(statuses.filter((s, i) => i % 5 !== 4 && s !== 200)).toEqual([]);
    expect(statuses.filter((s, i) => i % 5 === 4 && s !== 401)).toEqual([]);
    const stats = await platformStore(instances[2]!.runtime.db).store.counters.read(['web_sessions.resolve_failed_total']);
    expect(stats['web_sessions.resolve_failed_total']).toBe(30);

    // A row every writer updates (what the counters were): 15 transactions through three nodes.
    // Colliding ones fail certification at commit and are re-run; every one of them succeeds.
    const hot = Date.now();
    const stores = instances.map((gh) => ({ kernel: createKernelStore(gh.runtime.db), platform: platformStore(gh.runtime.db) }));
    await Promise.all(
      Array.from({ length: 15 }, (_, i) => stores[i % 3]!.kernel.transaction((_tx, handle) => stores[i % 3]!.platform.within(handle).setup.storeBootstrapToken(`hot-${i}`.padEnd(64, '0'), clock.now()))),
    );
    figures.hotRowMs = Date.now() - hot;
    const after = conflictRetryCounts();
    figures.retriedTransactions = after.transaction - before.transaction;
    figures.retriedStatements = after.statement - before.statement;
    expect(after.exhausted - before.exhausted).toBe(0);
  }, 120_000);
  it('keeps serving through two nodes when one is killed mid-write, loses no acknowledged write, and recovers when it rejoins', async () => {
    const [, , lost] = cluster.nodes as [GaleraNode, GaleraNode, GaleraNode];
    const health = async (gh: TestGatehouse) => {
      const response = await fetch(`${gh.url}/healthz`);
      return [response.status, await response.json()] as const;
    };
    const writes = Array.from({ length: 90 }, (_, i) => `writer${i}`);
    let answered = 0;
    const killing = (async () => {
      await expect.poll(() => answered, { timeout: 60_000, interval: 20 }).toBeGreaterThanOrEqual(30);
      await lost.kill();
      figures.killedAfterWrites = answered;
    })();
    const results = await inParallel(writes, 6, async (username) => {
      const gh = instances[writes.indexOf(username) % 3]!;
      const created = must(await sa.createAccount({ client: (await simpleAuthCaller(gh)).client, body: { username, email: `${username}@example.com`, password: `${username}-password` } }));
      answered++;
      return [username, created.response.status] as const;
    });
    await killing;
    const acknowledged = results.filter(([, status]) => status === 200).map(([username]) => username);
    // Only two answers exist: created, or 503 (the dead node's instance, or a commit cut off).
    expect(results.filter(([, status]) => status !== 200 && status !== 503)).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(30);
    figures.writesAcknowledged = acknowledged.length;
    figures.writesRefused = results.length - acknowledged.length;
    const stored = async (node: GaleraNode) => (await node.query('SELECT username FROM gatehouse.accounts WHERE username LIKE ?', ['writer%'])).map((r) => r.username as string);
    for (const node of cluster.nodes.slice(0, 2)) expect(await stored(node)).toEqual(expect.arrayContaining(acknowledged));

    expect(await health(instances[2]!)).toEqual([503, { status: 'unavailable', reason: 'the database does not answer' }]);
    expect(await health(instances[0]!)).toEqual([200, { status: 'ok' }]);
    expect(await health(instances[1]!)).toEqual([200, { status: 'ok' }]);
    const account = async (gh: TestGatehouse) => must(await sa.getAccount({ client: (await callerWithCookie(gh, adaCookie)).client }));
    expect((await account(instances[2]!)).response.status).toBe(503);
    expect((await account(instances[1]!)).response.status).toBe(200);

    const restarted = Date.now();
    await lost.start();
    await expect.poll(async () => (await health(instances[2]!))[0], { timeout: 30_000, interval: 250 }).toBe(200);
    figures.rejoinMs = Date.now() - restarted;
    expect((await account(instances[2]!)).response.status).toBe(200);
    expect(await stored(lost)).toEqual(expect.arrayContaining(acknowledged));
  }, 180_000);

  it('answers 503 and reports not ready on the last node once the other two are gone (no quorum)', async () => {
    const [last, second, third] = cluster.nodes as [GaleraNode, GaleraNode, GaleraNode];
    const killed = Date.now();
    await Promise.all([second.kill(), third.kill()]);
    await expect.poll(async () => (await last.status()).wsrep_cluster_status, { timeout: 60_000, interval: 250 }).toBe('non-Primary');
    figures.quorumLostAfterMs = Date.now() - killed;
    const gh = instances[0]!;
    const health = await fetch(`${gh.url}/healthz`);
    expect([health.status, health.headers.get('retry-after')]).toEqual([503, '5']);
    expect(((await health.json()) as { reason: string }).reason).toMatch(/^galera node not ready: .*wsrep_cluster_status is non-Primary/);
    // The node still answers SELECT 1, but nothing else (1047): every face says 503, not 500.
    const account = must(await sa.getAccount({ client: (await callerWithCookie(gh, adaCookie)).client }));
    expect([account.response.status, account.error]).toEqual([503, { error: true, message: 'the identity store is unreachable', reason: 'unavailable' }]);
    const login = must(await platform.localLogin({ client: platformCaller(gh).client, body: { username: 'ada', password: 'ada-password' } }));
    expect([login.response.status, login.error]).toEqual([503, { code: 503, message: 'the identity store is unreachable' }]);
    const portalLogin = must(await portal.portalLogin({ client: portalClient(gh), body: { email: 'ada@example.com', password: 'ada-password' } }));
    expect([portalLogin.response.status, portalLogin.error]).toEqual([503, { detail: 'Service temporarily unavailable' }]);
  }, 120_000);
});

/** The platform face's own store over an instance's pool (white-box: the hot rows it writes). */
function platformStore(db: Knex) {
  return faceStore(db, (executor) => ({ setup: new KnexSetupRepository(executor), oidc: new KnexOidcRepository(executor), counters: new KnexCounterRepository(executor) }));
}
