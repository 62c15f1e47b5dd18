import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mgmt from '../../../generated/mgmt/sdk.gen.js';
import * as platform from '../../../generated/platform/sdk.gen.js';
import * as portal from '../../../generated/portal/sdk.gen.js';
import * as sa from '../../../generated/simple-auth/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { form as mgmtForm, mgmtCaller } from '../../support/mgmt.js';
import { backend, GRAFANA, oauth2Settings } from '../../support/oauth2.js';
import { repoRoot } from '../../support/paths.js';
import { platformCaller } from '../../support/platform.js';
import { createOrganization, createUser, latestCode, portalClient } from '../../support/portal.js';
import { must, simpleAuthCaller } from '../../support/simple-auth.js';

const run = promisify(execFile);

/** Bursts are at least this wide: far beyond the budget, sent all at once. */
const BURST = 60;
const BUDGET = 5;

const statuses = (results: { response: Response }[]) =>
  results.reduce<Record<number, number>>((counts, r) => ({ ...counts, [r.response.status]: (counts[r.response.status] ?? 0) + 1 }), {});

describe.each(DATABASES)('guess budgets on %s', (kind) => {
  let gh: TestGatehouse;

  beforeAll(async () => {
    gh = await startGatehouse(kind, {
      settings: {
        ...oauth2Settings(),
        login: { maxFailuresPerUser: BUDGET, maxFailuresPerIp: 10_000, maxFailuresPerClient: BUDGET, windowSeconds: 900 },
        portal: { requestsPerMinute: 0 },
        platform: { requestsPerMinute: 0 },
      },
    });
  });
  afterAll(async () => gh?.stop());

  /** Audit rows of an account's checked password guesses (each checked attempt writes exactly one). */
  const checkedGuesses = async (accountId: number) => (await rows(gh.runtime.db, 'audit_records', { account_id: accountId })).filter((r) => String(r.message).startsWith('Login failed')).length;

  it('checks no more passwords than the budget in a parallel burst over every identifier, then refuses the right one', async () => {
    const victim = await createUser(gh, 'victim');
    const { client } = await simpleAuthCaller(gh);
    // Username, e-mail, other case, surrounding space: one account, one budget.
    const names = ['victim', 'victim@example.com', 'VICTIM', '  Victim@Example.com '];
    const burst = await Promise.all(Array.from({ length: BURST }, (_, i) => sa.createSession({ client, body: { username: names[i % names.length]!, password: `wrong-${i}` } })));
    expect(statuses(burst.map(must))).toEqual({ 401: BUDGET, 429: BURST - BUDGET });
    expect(await checkedGuesses(victim.account.id)).toBe(BUDGET);
    const refused = burst.map(must).find((r) => r.response.status === 429)!;
    expect(Number(refused.response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.error).toMatchObject({ error: true, reason: 'throttled' });

    // The right password, on another face, inside the spent window: refused, and not checked.
    // (The platform face answers its lockout 403, as its contract documents.)
    const right = must(await platform.localLogin({ client: platformCaller(gh).client, body: { username: 'victim@example.com', password: victim.password } }));
    expect([right.response.status, right.error]).toEqual([403, { code: 403, message: 'too many failed login attempts' }]);
    expect(right.response.headers.get('retry-after')).toMatch(/^\d+$/);
    const [budget] = await rows(gh.runtime.db, 'guess_budgets', { bucket: `account:${victim.account.id}` }, 'bucket');
    expect(budget).toMatchObject({ used: BUDGET });

    // The window ends: the owner signs in, and the success gives its own guess back.
    gh.clock.advance(901);
    const later = must(await platform.localLogin({ client: platformCaller(gh).client, body: { username: 'victim', password: victim.password } }));
    expect(later.response.status).toBe(201);
    const [after] = await rows(gh.runtime.db, 'guess_budgets', { bucket: `account:${victim.account.id}` }, 'bucket');
    expect(after).toMatchObject({ used: 0 });
  });

  it('shares one budget between faces: simple-auth, mgmt and platform guesses add up', async () => {
    const shared = await createUser(gh, 'shared');
    const { client } = await simpleAuthCaller(gh);
    for (let i = 0; i < 3; i++) expect(must(await sa.createSession({ client, body: { username: 'shared', password: `wrong-${i}` } })).response.status).toBe(401);
    for (let i = 0; i < 2; i++) {
      const mgmtGuess = must(await mgmt.loginPasswordForm({ client: mgmtCaller(gh).client, ...mgmtForm, body: { grant_type: 'password', username: 'shared@example.com', password: `wrong-${i}` } }));
      expect(mgmtGuess.response.status).toBe(401);
    }
    const right = must(await platform.localLogin({ client: platformCaller(gh).client, body: { username: 'SHARED', password: shared.password } }));
    expect([right.response.status, right.error]).toEqual([403, { code: 403, message: 'too many failed login attempts' }]);
  });

  it('checks no more magic codes than the budget in a parallel burst, and then refuses the right code', async () => {
    const northwind = await createOrganization(gh, 'Budget Traders');
    const lena = await createUser(gh, 'lena', { memberOf: [[northwind, 'member']] });
    const requested = must(await portal.portalRequestMagicCode({ client: portalClient(gh), body: { email: lena.email, portal_id: northwind.uuid } }));
    const code = await latestCode(gh, lena.email, 1);
    const wrong = (i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
    const loginSessionId = requested.data!.login_session_id!;
    const burst = await Promise.all(Array.from({ length: BURST }, (_, i) => portal.portalVerify2Fa({ client: portalClient(gh), body: { email: lena.email, code: wrong(i), login_session_id: loginSessionId } })));
    expect(statuses(burst.map(must))).toEqual({ 400: BUDGET, 429: BURST - BUDGET });
    const rightCode = must(await portal.portalVerify2Fa({ client: portalClient(gh), body: { email: lena.email, code, login_session_id: loginSessionId } }));
    expect(rightCode.response.status).toBe(429);
    expect(rightCode.error).toEqual({ detail: 'Too many failed attempts. Try again later.' });
    const [budget] = await rows(gh.runtime.db, 'guess_budgets', { bucket: `account:${lena.account.id}` }, 'bucket');
    expect(budget).toMatchObject({ used: BUDGET });
  });

  it('checks no more client secrets than the budget at the token and introspection endpoints, then refuses the right one', async () => {
    const rp = await backend(gh);
    // Client authentication comes before the grant's own checks, so any grant type serves.
    const guess = (i: number) => ({ grant_type: 'authorization_code', code: 'x', redirect_uri: GRAFANA.redirect, client_id: GRAFANA.id, client_secret: `wrong-secret-${i}` });
    const burst = await Promise.all([
      ...Array.from({ length: BURST / 2 }, (_, i) => sa.grantToken({ client: rp.client, body: guess(i) as never })),
      ...Array.from({ length: BURST / 2 }, (_, i) => sa.introspectToken({ client: rp.client, body: { token: 'x', client_id: GRAFANA.id, client_secret: `wrong-secret-${i}` } })),
    ]);
    expect(statuses(burst.map(must))).toEqual({ 401: BUDGET, 429: BURST - BUDGET });
    const right = must(await sa.introspectToken({ client: rp.client, body: { token: 'x', client_id: GRAFANA.id, client_secret: GRAFANA.secret } }));
    expect(right.response.status).toBe(429);
    expect(right.response.headers.get('retry-after')).toMatch(/^\d+$/);
    const [budget] = await rows(gh.runtime.db, 'guess_budgets', { bucket: `client:${GRAFANA.id}` }, 'bucket');
    expect(budget).toMatchObject({ used: BUDGET });
    // Unknown client ids spend a budget of their own, alike.
    const unknown = must(await sa.introspectToken({ client: rp.client, body: { token: 'x', client_id: 'no-such-client', client_secret: 'guess' } }));
    expect(unknown.response.status).toBe(401);
  });
});

describe.each(DATABASES)('the per-address guess budget on %s', (kind) => {
  let gh: TestGatehouse;
  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { login: { maxFailuresPerUser: 100, maxFailuresPerIp: 8, windowSeconds: 900 } } });
  });
  afterAll(async () => gh?.stop());

  it('refuses an address that spread its guesses over many accounts, and spends no account budget doing so', async () => {
    for (const name of ['amy', 'ben', 'cat']) await createUser(gh, name);
    const { client } = await simpleAuthCaller(gh);
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => sa.createSession({ client, body: { username: ['amy', 'ben', 'cat'][i % 3]!, password: `wrong-${i}` } })));
    expect(statuses(burst.map(must))).toEqual({ 401: 8, 429: 22 });
    const budgets = await rows(gh.runtime.db, 'guess_budgets', {}, 'bucket');
    const accountGuesses = budgets.filter((b) => String(b.bucket).startsWith('account:')).reduce((sum, b) => sum + Number(b.used), 0);
    expect(accountGuesses).toBe(8);
    expect(budgets.find((b) => b.bucket === 'address:127.0.0.1')).toMatchObject({ used: 8 });
  });
});

/** Link secrets name no account until found: a scanner spends its address's budget, the owner's never. */
describe.each(DATABASES)('the address budget on one-time links, CLI codes and reset tokens on %s', (kind) => {
  let gh: TestGatehouse;
  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { login: { maxFailuresPerIp: 6 }, onetime: { allowForgotPassword: true }, portal: { requestsPerMinute: 0 } } });
  });
  afterAll(async () => gh?.stop());

  it('refuses an address that guessed links, codes and tokens past its budget, with 429 in each face\'s shape', async () => {
    const { client } = await simpleAuthCaller(gh);
    const guess = () => `guess-${Math.random().toString(36).slice(2)}`.padEnd(43, 'x');
    const links = await Promise.all(Array.from({ length: 3 }, () => sa.onetimeAuthenticate({ client, query: { token: guess() }, headers: { Accept: 'application/json' } })));
    expect(links.map((r) => must(r).response.status)).toEqual([401, 401, 401]);
    const codes = await Promise.all(Array.from({ length: 3 }, () => portal.consumeCliBrowserToken({ client: portalClient(gh), body: { code: guess() } })));
    expect(codes.map((r) => must(r).response.status)).toEqual([400, 400, 400]);
    // The budget is spent: the next guess of any kind is not checked.
    const reset = must(await portal.portalResetPassword({ client: portalClient(gh), body: { token: guess(), password: 'a-new-password-1' } }));
    expect([reset.response.status, reset.response.headers.get('retry-after') !== null]).toEqual([429, true]);
    const link = must(await sa.onetimeAuthenticate({ client, query: { token: guess() }, headers: { Accept: 'application/json' } }));
    expect(link.response.status).toBe(429);
    const [budget] = await rows(gh.runtime.db, 'guess_budgets', { bucket: 'address:127.0.0.1' }, 'bucket');
    expect(budget).toMatchObject({ used: 6 });
  });
});

/** An operator releases a locked account from the host; the owner signs in at once. */
describe('npm run budgets:release', () => {
  let gh: TestGatehouse;
  beforeAll(async () => {
    gh = await startGatehouse('sqlite', { settings: { login: { maxFailuresPerUser: 2 } } });
  });
  afterAll(async () => gh?.stop());

  it('ends an account\'s lock at once, on the same database', async () => {
    const dora = await createUser(gh, 'dora');
    const { client } = await simpleAuthCaller(gh);
    for (let i = 0; i < 2; i++) must(await sa.createSession({ client, body: { username: 'dora', password: `wrong-${i}` } }));
    expect(must(await sa.createSession({ client, body: { username: 'dora', password: dora.password } })).response.status).toBe(429);
    const env = { ...process.env, GATEHOUSE_SQLITE_PATH: gh.database.sqlitePath, GATEHOUSE_MASTER_KEY: gh.config.security.masterKey, GATEHOUSE_LOG_LEVEL: 'silent' };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts/budgets-release.ts'), 'account', 'dora@example.com'], { cwd: repoRoot, env });
    expect(stdout.trim()).toBe('released account dora (2 guesses were spent)');
    expect(must(await sa.createSession({ client, body: { username: 'dora', password: dora.password } })).response.status).toBe(200);
    await expect(run(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts/budgets-release.ts'), 'planet', 'x'], { cwd: repoRoot, env })).rejects.toMatchObject({ code: 2 });
  });
});
