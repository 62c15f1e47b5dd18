import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as platform from '../../generated/platform/sdk.gen.js';
import { launchChromium } from '../support/browser.js';
import { DATABASES } from '../support/databases.js';
import { rows } from '../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { bootstrapAdmin, platformCaller } from '../support/platform.js';
import { must } from '../support/simple-auth.js';
import { signInUpstream, startUpstreamIdp, useUpstream, type UpstreamIdp } from '../support/upstream-idp.js';

/**
 * The platform web UI's sign-in through a real upstream OpenID provider: a person opens /ui, is
 * sent to the issuer, signs in and consents, and comes back signed in; an administrator's
 * revoke-all then signs them out on the next page load.
 */
describe.each(DATABASES)('platform OIDC browser login on %s', (kind) => {
  let gh: TestGatehouse;
  let idp: UpstreamIdp;
  let browser: Browser;
  let admin: ReturnType<typeof platformCaller>['client'];

  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { login: { allowedContinueUrls: ['/ui'] } } });
    // The flow's expiry is checked against the instance clock; the issuer and browser run in real time.
    gh.clock.set(new Date());
    idp = await startUpstreamIdp(`${gh.url}/auth/oidc/callback`);
    admin = platformCaller(gh, { token: (await bootstrapAdmin(gh)).token }).client;
    await useUpstream(admin, idp);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gh?.stop();
    await idp?.stop();
  });

  const stats = async () => must(await platform.getWebSessionStats({ client: admin })).data!;

  it('signs in at the issuer, lands on /ui signed in, and is signed out by revoke-all', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const callbacks: string[] = [];
    page.on('request', (r) => void (r.url().startsWith(`${gh.url}/auth/oidc/callback`) && callbacks.push(r.url())));

    await page.goto(`${gh.url}/ui`);
    await signInUpstream(page, idp, 'ada');
    await page.waitForURL(`${gh.url}/ui`);
    const principalId = await page.getAttribute('#principal', 'data-id');
    expect(await page.textContent('#principal')).toBe('Ada Upstream');
    expect(idp.errors).toEqual([]);

    const cookies = await context.cookies(gh.url);
    expect(cookies.find((c) => c.name === 'ui_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookies.find((c) => c.name === 'ui_oidc_flow')).toBeUndefined();

    // The email and username came from the issuer (userinfo), the link from the ID token's iss + sub.
    const [account] = await rows(gh.runtime.db, 'accounts', { email: 'ada@upstream.example' });
    expect(account).toMatchObject({ uuid: principalId, username: 'ada', display_name: 'Ada Upstream', password_hash: null });
    expect(await rows(gh.runtime.db, 'account_links', { account_id: account!.id })).toMatchObject([{ issuer: idp.issuer, subject: 'ada' }]);
    expect(await stats()).toMatchObject({ created_total: 1, active_sessions: 1 });

    // The callback URL (code and state) is spent: replaying it, even from the same browser, signs nobody in.
    expect(callbacks).toHaveLength(1);
    const replay = await page.goto(callbacks[0]!);
    expect(replay!.status()).toBe(400);
    expect(await replay!.json()).toEqual({ code: 400, message: 'invalid oidc state' });

    const revoked = must(await platform.revokeAllWebSessions({ client: admin, body: { principal_id: principalId! } }));
    expect(revoked.response.status).toBe(204);

    // The issuer's own session would sign Ada straight back in (single sign-on); forget it, so
    // the page shows where the revoked cookie leads: back to the issuer's sign-in form.
    await context.clearCookies({ domain: '127.0.0.1', name: /^_(session|interaction)/ });
    await page.goto(`${gh.url}/ui`);
    await page.waitForURL(`${idp.issuer}/interaction/**`);
    expect(await page.locator('input[name=login]').count()).toBe(1);
    expect(await stats()).toMatchObject({ revoked_all_total: 1, active_sessions: 0 });
    await context.close();
  });

  it('checks the ID token signature against the configured jwks_url', async () => {
    // Gatehouse's own JWKS holds none of the issuer's keys: an otherwise valid login must fail.
    await useUpstream(admin, idp, { jwks_url: `${gh.url}/.well-known/jwks.json` });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${gh.url}/auth/oidc/login?continue=/ui`);
    const callback = page.waitForResponse((r) => r.url().startsWith(`${gh.url}/auth/oidc/callback`));
    await signInUpstream(page, idp, 'mallory');
    const answer = await callback;
    expect(answer.status()).toBe(401);
    expect(await answer.json()).toEqual({ code: 401, message: 'oidc login rejected' });
    expect(await rows(gh.runtime.db, 'accounts', { username: 'mallory' })).toEqual([]);
    await context.close();
    await useUpstream(admin, idp);
  });

  /** A flow started the way a single-page app starts it; the caller keeps the flow cookie. */
  async function startFlow() {
    const caller = platformCaller(gh);
    const started = must(await platform.startOidcLogin({ client: caller.client, query: { continue: '/ui' }, headers: { accept: 'application/json' } }));
    expect(started.response.status).toBe(200);
    return { caller, started, url: new URL(started.data!.authorization_url) };
  }

  /** Why logins failed, from the audit trail (the reply says no more than the contract's message). */
  const failures = async () => (await rows(gh.runtime.db, 'audit_records', { module: 'auth:platform', level: 'warn' })).map((r) => String(r.message).replace(/^AUTH_OIDC_LOGIN failed: /, ''));

  it('answers a JSON caller with the authorization URL: PKCE S256, state, nonce, and a flow cookie', async () => {
    const { started, url } = await startFlow();
    expect(`${url.origin}${url.pathname}`).toBe(`${idp.issuer}/auth`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ response_type: 'code', client_id: idp.clientId, redirect_uri: `${gh.url}/auth/oidc/callback`, scope: 'openid profile email', code_challenge_method: 'S256' });
    for (const name of ['state', 'nonce', 'code_challenge']) expect(url.searchParams.get(name)).toMatch(/^[\w-]{43}$/);
    expect(started.response.headers.get('cache-control')).toBe('no-store');
    expect(started.response.headers.getSetCookie().join('\n')).toMatch(/^ui_oidc_flow=[\w-]+; Max-Age=600; Path=\/auth\/oidc; Expires=.*; HttpOnly; SameSite=Lax$/);
  });

  it('refuses an unknown state, a state without its flow cookie, and a used state with 400', async () => {
    const stranger = platformCaller(gh).client;
    const invalid = { code: 400, message: 'invalid oidc state' };
    const unknown = must(await platform.completeOidcLogin({ client: stranger, query: { state: 'never-issued', code: 'x' } }));
    expect([unknown.response.status, unknown.error]).toEqual([400, invalid]);

    // Login CSRF: someone else's callback URL, opened in a browser that did not start the flow.
    const { caller, url } = await startFlow();
    const state = url.searchParams.get('state')!;
    const foreign = must(await platform.completeOidcLogin({ client: stranger, query: { state, code: 'x' } }));
    expect([foreign.response.status, foreign.error]).toEqual([400, invalid]);

    // The rightful browser still can use it once: the issuer refuses the made-up code (401) ...
    const bogus = must(await platform.completeOidcLogin({ client: caller.client, query: { state, code: 'not-a-code', iss: idp.issuer } }));
    expect([bogus.response.status, bogus.error]).toEqual([401, { code: 401, message: 'oidc login rejected' }]);
    // ... and the state is spent.
    const replay = must(await platform.completeOidcLogin({ client: caller.client, query: { state, code: 'not-a-code' } }));
    expect([replay.response.status, replay.error]).toEqual([400, invalid]);
    expect(await failures()).toEqual(expect.arrayContaining(['unknown, used or expired flow', 'flow cookie missing or mismatched', 'code exchange or ID token verification failed']));
  });

  it('answers error=access_denied from the issuer with 401 oidc login rejected', async () => {
    const { caller, url } = await startFlow();
    const denied = must(await platform.completeOidcLogin({ client: caller.client, query: { state: url.searchParams.get('state')!, error: 'access_denied', error_description: 'The user said no' } }));
    expect([denied.response.status, denied.error]).toEqual([401, { code: 401, message: 'oidc login rejected' }]);
    expect(denied.response.headers.getSetCookie().some((c) => c.startsWith('ui_session='))).toBe(false);
    expect(await failures()).toContain('issuer answered error=access_denied (The user said no)');
  });

  it('answers 404 when the provider is disabled, and /ui then says how to sign in', async () => {
    await useUpstream(admin, idp, { enabled: false });
    const started = must(await platform.startOidcLogin({ client: platformCaller(gh).client, headers: { accept: 'application/json' } }));
    expect([started.response.status, started.error]).toEqual([404, { code: 404, message: 'oidc login is not enabled' }]);
    const ui = await fetch(`${gh.url}/ui`, { redirect: 'manual' });
    expect(ui.status).toBe(401);
    expect(await ui.text()).toContain('Not signed in');
  });
});
