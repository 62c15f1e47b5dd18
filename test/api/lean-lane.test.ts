import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cred from '../../generated/credentials/sdk.gen.js';
import * as mgmt from '../../generated/mgmt/sdk.gen.js';
import * as sa from '../../generated/simple-auth/sdk.gen.js';
import { as, createCredentialsUsers } from '../support/credentials.js';
import { DATABASES } from '../support/databases.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { clientCredentialsLogin, createAccount, mgmtCaller } from '../support/mgmt.js';
import { basic, codeFor, GRAFANA, oauth2Settings, signedIn } from '../support/oauth2.js';
import { startPeer } from '../support/peer.js';
import { callerWithCookie, must, simpleAuthCaller } from '../support/simple-auth.js';

/** A GET with `Content-Length: 0`, which fetch does not send. */
function getWithBody(url: string): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { 'content-length': '0' } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode! });
    });
    req.on('error', reject);
    req.end();
  });
}

const VOUCH = { authenticators: { vouch: { enabled: true, userHeader: 'X-User-Id' } } };
const VOUCH_AND_OAUTH2 = { authenticators: { ...VOUCH.authenticators, ...(oauth2Settings().authenticators as object) } };

/** Status, headers (but the date, a minted CSRF token's random value and its expiry date) and body. */
async function answer(response: Response): Promise<unknown> {
  const headers = Object.fromEntries([...response.headers].filter(([name]) => name !== 'date').map(([name, value]) => [name, value.replace(/_csrf=\w+/, '_csrf=…').replace(/Expires=[^;]+/, 'Expires=…')]));
  return { status: response.status, headers, body: await response.text() };
}

/**
 * The lean lane serves the hot read-only calls without Express's router and validator. The same
 * request to the path with a trailing slash (the same operation to Express) goes through the whole
 * app instead: both answers must be the same, byte for byte.
 */
describe.each(DATABASES)('the lean lane on %s', (kind) => {
  let gh: TestGatehouse;
  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: VOUCH_AND_OAUTH2 });
    await createCredentialsUsers(gh); // bootstraps the first administrator: before any other account
  });
  afterAll(async () => gh?.stop());

  it('serves the hot read-only operations and token introspection, and no other operation with a body', () => {
    expect(gh.runtime.lane.served).toEqual(expect.arrayContaining(['vouch', 'getTokenInfo', 'getAccount', 'getUserInfo', 'getJwks', 'listApiCredentials', 'getOauth2Client', 'introspectToken']));
    for (const id of ['createSession', 'grantToken', 'revokeTokenRfc7009', 'createApiCredential']) expect(gh.runtime.lane.served).not.toContain(id);
  });

  it('answers token introspection exactly as the app does, and leaves to the app the bodies it cannot check itself', async () => {
    const tia = await signedIn(gh, 'lane-tia');
    const code = await codeFor(tia, { client_id: GRAFANA.id, response_type: 'code', redirect_uri: GRAFANA.redirect, scope: 'email username' });
    const granted = must(await sa.grantToken({ client: tia.client, body: { grant_type: 'authorization_code', client_id: GRAFANA.id, client_secret: GRAFANA.secret, code, redirect_uri: GRAFANA.redirect } }));
    const token = granted.data!.access_token;
    const json = { 'content-type': 'application/json' };
    const asGrafana = { ...json, authorization: basic(GRAFANA.id, GRAFANA.secret) };
    const formType = { 'content-type': 'application/x-www-form-urlencoded' };
    // [headers, body, whether the lane answers it]
    const requests: [Record<string, string>, string, boolean][] = [
      [asGrafana, JSON.stringify({ token }), true],
      [json, JSON.stringify({ token, client_id: GRAFANA.id, client_secret: GRAFANA.secret, token_type_hint: 'access_token', extra: 1 }), true],
      [formType, new URLSearchParams({ token, client_id: GRAFANA.id, client_secret: GRAFANA.secret }).toString(), true],
      [asGrafana, JSON.stringify({ token: 'not-a-token' }), true],
      [{ ...json, authorization: basic(GRAFANA.id, 'not-the-secret') }, JSON.stringify({ token }), true],
      [json, JSON.stringify({ token }), true],
      [asGrafana, '{"token": ', true], // the parsers refuse it: the lane answers with their error
      [asGrafana, JSON.stringify({ token: 'x'.repeat(70_000) }), true], // over the parsers' limit
      [asGrafana, JSON.stringify({}), false],
      [asGrafana, JSON.stringify({ token: '' }), false],
      [asGrafana, JSON.stringify({ token: 42 }), false],
      [asGrafana, JSON.stringify([token]), false],
      [{ ...formType, authorization: basic(GRAFANA.id, GRAFANA.secret) }, `token=${token}&token=${token}`, false],
      [{ ...asGrafana, 'content-type': 'application/json; charset=utf-8' }, JSON.stringify({ token }), false],
      [{ ...asGrafana, 'content-type': 'text/plain' }, JSON.stringify({ token }), false],
      [asGrafana, `{"__proto__": {"token": 1}, "token": ${JSON.stringify(token)}}`, true],
      [asGrafana, JSON.stringify({ token: [token] }), false],
      [{ ...asGrafana, 'content-type': 'Application/JSON' }, JSON.stringify({ token }), true],
      [{ authorization: basic(GRAFANA.id, GRAFANA.secret), 'content-type': 'APPLICATION/X-WWW-FORM-URLENCODED' }, `token=${token}`, true],
    ];
    for (const [i, [headers, body, lean]] of requests.entries()) {
      const sent = { ...headers, 'x-request-id': `lane-post-${i}` };
      const before = gh.runtime.lane.taken;
      const viaLane = await answer(await fetch(`${gh.url}/api/v1/auth/oauth2/token_info`, { method: 'POST', headers: sent, body }));
      expect(gh.runtime.lane.taken - before, `${i}: ${body.slice(0, 60)}`).toBe(lean ? 1 : 0);
      const viaApp = await answer(await fetch(`${gh.url}/api/v1/auth/oauth2/token_info/`, { method: 'POST', headers: sent, body }));
      expect(gh.runtime.lane.taken - before).toBe(lean ? 1 : 0);
      expect(viaLane, `${i}: ${body.slice(0, 60)}`).toEqual(viaApp);
    }
    // What the table says is what was answered: an active token, then the refusals.
    const active = await fetch(`${gh.url}/api/v1/auth/oauth2/token_info`, { method: 'POST', headers: asGrafana, body: JSON.stringify({ token }) });
    expect(await active.json()).toMatchObject({ active: true, client_id: GRAFANA.id, sub: tia.uuid, scope: 'email username' });
  });

  it('answers exactly as the app does: live, unknown and missing credentials, forwarded headers', async () => {
    const vera = await signedIn(gh, 'lane-vera');
    // Browsers hold the double-submit cookie: with it, Express's answer to `vouch/` (which mints
    // one, as the path is not vouch's) is comparable; getAccount is also asked without it.
    const session = `auth=${vera.browser.cookies.get('auth')}; _csrf=browser-token`;
    await createAccount(gh, 'lane-mia');
    const bearer = `Bearer ${(await clientCredentialsLogin(gh, 'lane-mia', 'lane-mia-password')).access_token}`;
    const apiToken = `APIToken ${must(await cred.createApiCredential({ client: await as(gh, 'dana'), path: { namespace: 'system' }, body: { name: 'lane', spec: { type: 'API_TOKEN' } } })).data!.data}`;
    const requests: [string, Record<string, string>][] = [
      ['/api/v1/auth/vouch', { cookie: session }],
      ['/api/v1/auth/vouch', { cookie: session, 'x-forwarded-host': 'app.example.com', 'x-forwarded-proto': 'https', 'x-forwarded-uri': '/a' }],
      ['/api/v1/auth/vouch', { cookie: '_csrf=browser-token' }],
      ['/api/v1/auth/vouch', { cookie: 'auth=not-a-session; _csrf=browser-token' }],
      ['/api/v1/auth/vouch', { cookie: 'auth=j:{"a":1}; _csrf=browser-token' }],
      ['/api/v1/account', { cookie: session }],
      ['/api/v1/account', { cookie: `auth=${vera.browser.cookies.get('auth')}` }],
      ['/api/auth/token-info', { authorization: bearer }],
      ['/api/auth/token-info', { authorization: 'Bearer not-a-token' }],
      ['/api/auth/token-info', {}],
      ['/.well-known/jwks.json', {}],
      ['/api/web/namespaces/system/api_credentials', { authorization: apiToken }],
      ['/api/web/namespaces/system/api_credentials', { authorization: 'APIToken ghk_unknown' }],
      ['/api/web/namespaces/nowhere/api_credentials', { authorization: apiToken }],
      ['/api/v1/auth/oauth2/client/unknown-client', {}],
    ];
    for (const [i, [path, headers]] of requests.entries()) {
      const sent = { ...headers, 'x-request-id': `lane-${i}` };
      const before = gh.runtime.lane.taken;
      const lean = await answer(await fetch(`${gh.url}${path}`, { headers: sent }));
      expect(gh.runtime.lane.taken, path).toBe(before + 1);
      const full = await answer(await fetch(`${gh.url}${path}/`, { headers: sent }));
      expect(gh.runtime.lane.taken, path).toBe(before + 1);
      expect(lean, `${path} ${JSON.stringify(headers)}`).toEqual(full);
    }
  });

  it('leaves to the app what it cannot take as it is: a query string, HEAD, a body, another spelling', async () => {
    const before = gh.runtime.lane.taken;
    const sent = [
      await fetch(`${gh.url}/api/v1/auth/vouch?forward=1`, { redirect: 'manual' }),
      await fetch(`${gh.url}/api/v1/auth/vouch`, { method: 'HEAD' }),
      await fetch(`${gh.url}/api/v1/auth/vouch/`),
      await fetch(`${gh.url}/API/v1/auth/vouch`),
      await getWithBody(`${gh.url}/api/v1/auth/vouch`),
      // a parameter the contract's pattern refuses, and a percent-escape: the app answers them
      await fetch(`${gh.url}/api/web/namespaces/Not_A_Namespace/api_credentials`),
      await fetch(`${gh.url}/api/web/namespaces/sys%74em/api_credentials`),
    ];
    // HEAD is served by the app as the GET it mirrors (server/head.ts): vouch's 401, without content.
    expect(sent.map((r) => r.status)).toEqual([307, 401, 401, 401, 401, 401, 401]);
    expect(gh.runtime.lane.taken).toBe(before);
  });
});

/** Revocation on one instance holds for the lane of another at the next request (MariaDB). */
describe('the lean lane across two instances sharing one MariaDB database', () => {
  let a: TestGatehouse;
  let b: TestGatehouse;
  beforeAll(async () => {
    a = await startGatehouse('mysql', { settings: VOUCH });
    b = await startPeer(a, VOUCH);
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  const vouchOn = async (gh: TestGatehouse, cookie: string) => must(await sa.vouch({ client: (await callerWithCookie(gh, cookie)).client })).response.status;

  it('refuses a session on B as soon as A logs it out, changes its password or signs its account out everywhere', async () => {
    const taken = b.runtime.lane.taken;
    const ivy = await signedIn(a, 'lane-ivy');
    let cookie = ivy.browser.cookies.get('auth')!;
    expect(await vouchOn(b, cookie)).toBe(200);
    must(await sa.deleteSession({ client: ivy.client }));
    expect(await vouchOn(b, cookie)).toBe(401);

    const laptop = await simpleAuthCaller(a);
    const phone = await simpleAuthCaller(a);
    for (const device of [laptop, phone]) must(await sa.createSession({ client: device.client, body: { username: 'lane-ivy', password: 'lane-ivy-password' } }));
    cookie = phone.browser.cookies.get('auth')!;
    expect(await vouchOn(b, cookie)).toBe(200);
    must(await sa.changePassword({ client: laptop.client, body: { oldpassword: 'lane-ivy-password', newpassword: 'lane-ivy-password-2' } }));
    expect(await vouchOn(b, cookie)).toBe(401);

    cookie = laptop.browser.cookies.get('auth')!;
    expect(await vouchOn(b, cookie)).toBe(200);
    await a.runtime.kernel.accounts.signOutEverywhere((await a.runtime.kernel.accounts.byUsernameOrEmail('lane-ivy'))!);
    expect(await vouchOn(b, cookie)).toBe(401);
    expect(b.runtime.lane.taken - taken).toBe(6);
  });

  it('refuses a mgmt bearer token on B as soon as A logs it out', async () => {
    await createAccount(a, 'lane-noa');
    const token = (await clientCredentialsLogin(a, 'lane-noa', 'lane-noa-password')).access_token;
    const check = async () => must(await mgmt.getTokenInfo({ client: mgmtCaller(b, { token }).client })).response.status;
    expect(await check()).toBe(200);
    must(await mgmt.logoutToken({ client: mgmtCaller(a, { token }).client }));
    expect(await check()).toBe(401);
  });
});
