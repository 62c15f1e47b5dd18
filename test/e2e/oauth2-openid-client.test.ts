import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sa from '../../generated/simple-auth/sdk.gen.js';
import { DATABASES } from '../support/databases.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { codeFor, GRAFANA, oauth2Settings, signedIn } from '../support/oauth2.js';
import { must, type SimpleAuthCaller } from '../support/simple-auth.js';

/**
 * Interoperability: openid-client (panva), an independent certified OpenID client, runs the
 * authorization-code flow with PKCE against Gatehouse's discovery document, validates the ID
 * token against the JWKS, then refreshes, introspects and revokes.
 */
describe.each(DATABASES)('openid-client against Gatehouse on %s', (kind) => {
  let gh: TestGatehouse;
  let user: SimpleAuthCaller & { uuid: string };
  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: oauth2Settings() });
    // openid-client checks iat/exp against the real time.
    gh.clock.set(new Date());
    user = await signedIn(gh, 'interop');
  });
  afterAll(async () => gh?.stop());

  it('runs code + PKCE, refresh, introspection and revocation', async () => {
    // Loopback http is fine for a test; production issuers are https.
    const config = await oidc.discovery(new URL(gh.url), GRAFANA.id, GRAFANA.secret, oidc.ClientSecretBasic(GRAFANA.secret), { execute: [oidc.allowInsecureRequests] });
    expect(config.serverMetadata().issuer).toBe(gh.url);

    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const authorizationUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: GRAFANA.redirect,
      scope: 'openid email username',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(`${gh.url}/oauth2/authorize`);

    // The user consents (what the consent page does with the same parameters).
    const p = authorizationUrl.searchParams;
    const code = await codeFor(user, {
      client_id: p.get('client_id')!,
      response_type: p.get('response_type') as 'code',
      redirect_uri: p.get('redirect_uri')!,
      scope: p.get('scope')!,
      state: p.get('state')!,
      nonce: p.get('nonce')!,
      code_challenge: p.get('code_challenge')!,
      code_challenge_method: p.get('code_challenge_method') as 'S256',
    });
    const callback = new URL(GRAFANA.redirect);
    callback.searchParams.set('code', code);
    callback.searchParams.set('state', state);
    // RFC 9207: the consent page adds the issuer, and the client checks it.
    callback.searchParams.set('iss', gh.url);

    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.claims()).toMatchObject({ iss: gh.url, sub: user.uuid, aud: GRAFANA.id, nonce, email: 'interop@example.com', preferred_username: 'interop' });
    expect(tokens.refresh_token).toBeDefined();

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()).toMatchObject({ sub: user.uuid });

    const active = await oidc.tokenIntrospection(config, refreshed.access_token);
    expect(active).toMatchObject({ active: true, sub: user.uuid, client_id: GRAFANA.id, scope: 'openid email username', token_type: 'access_token' });

    await oidc.tokenRevocation(config, refreshed.refresh_token!);
    expect(await oidc.tokenIntrospection(config, refreshed.access_token)).toEqual({ active: false });
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

    // The account's view agrees: nothing left for the client.
    expect(must(await sa.getOauth2Tokens({ client: user.client })).data).toEqual({ tokens: [] });
  });
});
