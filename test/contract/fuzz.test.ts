import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as platform from '../../generated/platform/sdk.gen.js';
import { FACES } from '../../server/faces/index.js';
import { closeConnections, POLLUTION, runFuzz, summarizeFindings, triage, type FuzzCredentials, type FuzzReport, type KnownFinding } from '../support/fuzz.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { basic, GRAFANA, oauth2Settings, signedIn } from '../support/oauth2.js';
import { ADMIN, bootstrapAdmin, platformCaller } from '../support/platform.js';
import { scimToken } from '../support/scim.js';
import { must } from '../support/simple-auth.js';

/**
 * Bounded contract fuzzing of every mounted face (found at run time, so a face mounted later is
 * fuzzed too): malformed requests derived from each operation's contract must never get a 5xx
 * (503 aside), must be refused when they break the contract, must be answered in the face's
 * documented error shape and the operation's contract, and must not leak stacks, SQL, driver
 * names or file paths. `FUZZ_SEED=<n>` replays another run; the default seed sends the same
 * requests every run.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
if (!Number.isSafeInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer, not ${process.env.FUZZ_SEED}`);
const MAX_REQUESTS = 3000;
const SHARED_KEY = 'fuzz-shared-key-0123456789abcdef';
const SIMPLE_SECRET = 'fuzz-simple-auth-secret-0123456789';

/**
 * Bugs the fuzz found whose fix belongs outside server/app.ts, bind.ts and errors/ (contracts and
 * handlers have owners). Each is printed on every run; an entry nothing matches any more fails
 * the test, so it is removed with the fix.
 */
const KNOWN: KnownFinding[] = [];

describe('contract fuzz of every mounted face', () => {
  let gh: TestGatehouse;
  let credentials: () => Promise<FuzzCredentials>;
  let report: FuzzReport;

  beforeAll(async () => {
    // Every optional feature on, so each operation answers rather than being switched off; the
    // throttles high, so the fuzz reaches the checks behind them.
    const settings = oauth2Settings({ allowCredentials: true });
    Object.assign(settings.authenticators as object, { simple: { enabled: true, sharedSecret: SIMPLE_SECRET }, vouch: { enabled: true, userHeader: 'X-User-Id' } });
    gh = await startGatehouse('sqlite', {
      settings: {
        ...settings,
        sharedKey: { enabled: true, secret: SHARED_KEY },
        onetime: { enabled: true, allowForgotPassword: true },
        login: { maxFailuresPerUser: 1000, maxFailuresPerIp: 100000 },
        platform: { requestsPerMinute: 0 },
        portal: { requestsPerMinute: 0 },
        credentials: { requestsPerMinute: 0 },
      },
    });
    // Working credentials, so malformed requests get past authentication to the contract checks;
    // a fresh bearer token for each operation, as a sign-out operation revokes the one it is sent.
    const mounted = new Set(FACES.map((f) => f.face));
    const byScheme: FuzzCredentials['byScheme'] = {};
    let bearer: () => Promise<string | undefined> = async () => undefined;
    if (mounted.has('platform')) {
      await bootstrapAdmin(gh);
      const { client } = platformCaller(gh);
      bearer = async () => must(await platform.localLogin({ client, body: { username: ADMIN.username, password: ADMIN.password } })).data?.token;
    }
    if (mounted.has('scim')) byScheme.ScimScimToken = { headers: { authorization: `Bearer ${await scimToken(gh)}` } };
    if (mounted.has('simple-auth')) {
      const user = await signedIn(gh, 'fuzzuser');
      const sessionCookie = gh.config.cookies.sessionName;
      const csrf = user.browser.cookies.get('_csrf')!;
      Object.assign(byScheme, {
        SimpleAuthSessionAuth: { cookies: { [sessionCookie]: user.browser.cookies.get(sessionCookie)! } },
        SimpleAuthCsrfToken: { headers: { 'x-csrf-token': csrf }, cookies: { _csrf: csrf } },
        SimpleAuthSharedKey: { headers: { authorization: `SharedKey ${SHARED_KEY}` } },
        SimpleAuthAccountUUID: { headers: { 'x-account-uuid': user.uuid } },
        SimpleAuthSimpleBearer: { headers: { authorization: `Bearer ${SIMPLE_SECRET}` } },
        SimpleAuthClientBasic: { headers: { authorization: basic(GRAFANA.id, GRAFANA.secret) } },
      });
    }
    credentials = async () => ({ byScheme, bearer: await bearer(), basic: mounted.has('platform') ? { username: ADMIN.username, password: ADMIN.password } : undefined });
  });

  afterAll(async () => {
    closeConnections();
    await gh?.stop();
  });

  it(`answers malformed requests without a 5xx, in the face's error shape and contract, leaking nothing (≤ ${MAX_REQUESTS} requests)`, async () => {
    const faces = FACES;
    report = await runFuzz({ url: gh.url, faces, credentials, seed: SEED, maxRequests: MAX_REQUESTS });
    const statuses = Object.entries(report.byStatus)
      .map(([status, n]) => `${status}×${n}`)
      .join(' ');
    console.log(
      `contract fuzz: seed ${report.seed} (FUZZ_SEED=${report.seed} replays it); faces ${report.faces.join(', ')}; ${report.operations} operations; ` +
        `${report.sent} requests in ${report.milliseconds} ms; statuses ${statuses}`,
    );
    const shallow = Object.entries(report.byOperation).filter(([, counts]) => Object.keys(counts).every((status) => ['401', '403', '405'].includes(status)));
    if (shallow.length) console.log(`contract fuzz: never past authentication: ${shallow.map(([id]) => id).join(', ')}`);
    const { fresh, matched, stale } = triage(report.findings, KNOWN);
    for (const [entry, count] of matched) console.warn(`contract fuzz: known bug (${count} requests): ${entry.bug}`);
    if (fresh.length) console.log(`contract fuzz findings (seed ${report.seed}):\n  ${summarizeFindings(fresh).join('\n  ')}`);

    expect(report.sent).toBeLessThanOrEqual(MAX_REQUESTS);
    expect([...report.faces].sort()).toEqual([...new Set(faces.map((f) => f.face))].sort());
    expect(fresh.length, `seed ${report.seed}, findings:\n  ${summarizeFindings(fresh).join('\n  ')}`).toBe(0);
    expect(stale.map((k) => k.bug), 'known bugs no longer found: fixed? remove their KNOWN entries').toEqual([]);
    // The server runs in this process: no request planted anything on Object.prototype.
    for (const key of Object.keys(POLLUTION)) expect(Object.prototype, `Object.prototype.${key}`).not.toHaveProperty(key);
  }, 120_000);

  it('still answers /healthz normally afterwards', async () => {
    expect(report, 'the fuzz ran first').toBeDefined();
    const response = await fetch(`${gh.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
