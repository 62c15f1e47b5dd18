import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sa from '../../generated/simple-auth/sdk.gen.js';
import { createClient } from '../../generated/simple-auth/client/index.js';
import { DATABASES } from '../support/databases.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { BrowserLikeClient } from '../support/http.js';
import { codeFor, GRAFANA, oauth2Settings, signedIn, WIKI } from '../support/oauth2.js';
import { must, type SimpleAuthCaller } from '../support/simple-auth.js';

/**
 * The OpenID provider as two independent certified clients use it with their defaults: openid-client
 * and oauth4webapi (panva). Discovery, `prompt` and `max_age` at the authorization endpoint (OIDC
 * Core §3.1.2.1), `auth_time` in ID tokens, `iss` in authorization responses (RFC 9207), UserInfo.
 */
describe.each(DATABASES)('the OpenID provider with openid-client and oauth4webapi on %s', (kind) => {
  let gh: TestGatehouse;
  let user: SimpleAuthCaller & { uuid: string };
  let config: oidc.Configuration;

  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: oauth2Settings() });
    // The clients check iat/exp/auth_time against the real time.
    gh.clock.set(new Date());
    user = await signedIn(gh, 'oidcuser');
    config = await oidc.discovery(new URL(gh.url), GRAFANA.id, GRAFANA.secret, oidc.ClientSecretBasic(GRAFANA.secret), { execute: [oidc.allowInsecureRequests] });
  });
  afterAll(async () => gh?.stop());

  /** GET the authorization endpoint as a browser (with the user's cookies, or none) and return where it sends the browser. */
  async function authorize(params: Record<string, string>, browser: BrowserLikeClient | undefined): Promise<URL> {
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: GRAFANA.redirect, scope: 'openid email username', ...params });
    const response = await (browser ?? new BrowserLikeClient()).fetch(url);
    expect(response.status).toBe(302);
    return new URL(response.headers.get('location')!, gh.url);
  }

  it('advertises UserInfo, auth_time, prompt values and the iss response parameter', () => {
    expect(config.serverMetadata()).toMatchObject({
      userinfo_endpoint: `${gh.url}/api/v1/auth/oauth2/userinfo`,
      authorization_response_iss_parameter_supported: true,
      prompt_values_supported: expect.arrayContaining(['none', 'login', 'consent']),
      claims_supported: expect.arrayContaining(['auth_time']),
    });
  });

  it('answers prompt=none without a session with login_required on the redirect URI, which openid-client reads', async () => {
    const state = oidc.randomState();
    const location = await authorize({ prompt: 'none', state }, undefined);
    expect(`${location.origin}${location.pathname}`).toBe(GRAFANA.redirect);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error: 'login_required', state, iss: gh.url });
    await expect(oidc.authorizationCodeGrant(config, location, { expectedState: state })).rejects.toMatchObject({ error: 'login_required' });
  });

  it('renews silently with prompt=none and max_age once consent exists; the ID token carries auth_time; UserInfo answers', async () => {
    // Consent once, through the library (silent renewal repeats exactly what was granted and is live).
    const first = await codeFor(user, { client_id: GRAFANA.id, response_type: 'code', redirect_uri: GRAFANA.redirect, scope: 'openid email username' });
    await oidc.authorizationCodeGrant(config, new URL(`${GRAFANA.redirect}?code=${first}&iss=${encodeURIComponent(gh.url)}`), { idTokenExpected: true });
    const verifier = oidc.randomPKCECodeVerifier();
    const [state, nonce] = [oidc.randomState(), oidc.randomNonce()];
    const location = await authorize({ prompt: 'none', max_age: '300', state, nonce, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }, user.browser);
    expect(location.searchParams.get('iss')).toBe(gh.url);
    const tokens = await oidc.authorizationCodeGrant(config, location, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, maxAge: 300, idTokenExpected: true });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ sub: user.uuid, nonce });
    expect(Math.abs(Number(claims.auth_time) - Math.floor(Date.now() / 1000))).toBeLessThan(60);

    const info = await oidc.fetchUserInfo(config, tokens.access_token, user.uuid);
    expect(info).toEqual({ sub: user.uuid, preferred_username: 'oidcuser', name: expect.any(String), email: 'oidcuser@example.com' });
    // A refreshed ID token keeps the sign-in time.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.claims()!.auth_time).toBe(claims.auth_time);
  });

  it('answers prompt=none with consent_required for scopes never granted, and sends prompt=login through a fresh login', async () => {
    const state = oidc.randomState();
    const denied = await authorize({ prompt: 'none', scope: 'openid', state }, user.browser);
    expect(Object.fromEntries(denied.searchParams)).toMatchObject({ error: 'consent_required', state, iss: gh.url });
    // (The test's clock stands still; a real one moves on between the sign-in and this request.)
    gh.clock.advance(2);
    const relogin = await authorize({ prompt: 'login', state }, user.browser);
    expect(relogin.pathname).toBe('/login');
    const back = new URL(relogin.searchParams.get('continue')!, gh.url);
    expect(back.pathname).toBe('/oauth2/authorize');
    expect(back.searchParams.has('prompt')).toBe(false);
    expect(Number(back.searchParams.get('auth_after'))).toBeGreaterThan(0);
    // max_age: a sign-in older than asked is no sign-in for prompt=none, and a login page otherwise.
    const stale = await authorize({ prompt: 'none', max_age: '1', state }, user.browser);
    expect(Object.fromEntries(stale.searchParams)).toMatchObject({ error: 'login_required', error_description: 'the sign-in is older than max_age', state });
    expect((await authorize({ max_age: '1', state }, user.browser)).pathname).toBe('/login');
    // The same browser coming back with its old session is sent to log in again.
    const again = await (user.browser).fetch(new URL(back.pathname + back.search, gh.url));
    expect(new URL(again.headers.get('location')!, gh.url).pathname).toBe('/login');
  });

  it('answers UserInfo through the SDK in RFC 6750 terms: 401 invalid_token without a live token, 403 without openid', async () => {
    const client = createClient({ baseUrl: `${gh.url}/api/v1`, fetch: new BrowserLikeClient().fetch });
    const none = must(await sa.getUserInfo({ client }));
    expect([none.response.status, none.response.headers.get('www-authenticate'), none.error]).toEqual([401, 'Bearer', { error: 'invalid_token', error_description: 'the access token is missing, unknown, expired or revoked' }]);
    const forged = must(await sa.postUserInfo({ client, headers: { Authorization: 'Bearer not-a-token' } }));
    expect([forged.response.status, forged.response.headers.get('www-authenticate')]).toEqual([401, 'Bearer error="invalid_token"']);
    // wiki is not an OpenID client: its token has no openid scope.
    const code = await codeFor(user, { client_id: WIKI.id, response_type: 'code', redirect_uri: WIKI.redirect, scope: 'email' });
    const wiki = must(await sa.grantToken({ client, body: { grant_type: 'authorization_code', code, redirect_uri: WIKI.redirect, client_id: WIKI.id, client_secret: WIKI.secret } }));
    const narrow = must(await sa.getUserInfo({ client, headers: { Authorization: `Bearer ${wiki.data!.access_token}` } }));
    expect([narrow.response.status, narrow.response.headers.get('www-authenticate'), narrow.error]).toEqual([403, 'Bearer error="insufficient_scope", scope="openid"', { error: 'insufficient_scope', error_description: 'the token was not granted the openid scope' }]);
  });

  it('runs code + PKCE with oauth4webapi, validating iss in the response and auth_time against max_age', async () => {
    const issuer = new URL(gh.url);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { [oauth.allowInsecureRequests]: true }));
    const client: oauth.Client = { client_id: GRAFANA.id };
    const clientAuth = oauth.ClientSecretBasic(GRAFANA.secret);
    const verifier = oauth.generateRandomCodeVerifier();
    const nonce = oauth.generateRandomNonce();
    const location = await authorize({ prompt: 'none', max_age: '600', nonce, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }, user.browser);
    const params = oauth.validateAuthResponse(as, client, location);
    const response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, GRAFANA.redirect, verifier, { [oauth.allowInsecureRequests]: true });
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, maxAge: 600, requireIdToken: true });
    const claims = oauth.getValidatedIdTokenClaims(result)!;
    expect(claims.sub).toBe(user.uuid);
    expect(typeof claims.auth_time).toBe('number');
    const info = await oauth.processUserInfoResponse(as, client, claims.sub, await oauth.userInfoRequest(as, client, result.access_token, { [oauth.allowInsecureRequests]: true }));
    expect(info).toMatchObject({ sub: user.uuid, email: 'oidcuser@example.com' });
  });
});
