import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sa from '../../../generated/simple-auth/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { accountRow, auditMessages, rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { backend, basic, CLI, codeFor, decodeJwt, decodeProtectedHeader, form, GRAFANA, oauth2Settings, pkce, sha256, signedIn, verifyWithJwks, WIKI } from '../../support/oauth2.js';
import { must, type SimpleAuthCaller } from '../../support/simple-auth.js';

/** The authorization-code grant: consent, PKCE, single use, client authentication. */
describe.each(DATABASES)('simple-auth OAuth2 authorization code on %s', (kind) => {
  let gh: TestGatehouse;
  let ada: SimpleAuthCaller & { uuid: string };
  let rp: SimpleAuthCaller;
  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: oauth2Settings() });
    ada = await signedIn(gh, 'ada');
    rp = await backend(gh);
  });
  afterAll(async () => gh?.stop());

  const grafanaCode = (extra: Record<string, unknown> = {}) =>
    codeFor(ada, { client_id: GRAFANA.id, response_type: 'code', redirect_uri: GRAFANA.redirect, scope: 'openid email username', state: 'st-1', ...extra });

  it('describes a client for the consent screen and answers an unknown one 404 invalid_client', async () => {
    const info = must(await sa.getOauth2Client({ client: rp.client, path: { client_id: 'grafana' } }));
    expect(info.response.status).toBe(200);
    expect(info.data).toEqual({ name: 'Grafana', author: 'Platform Team', author_url: 'https://platform.example.com' });
    const unknown = must(await sa.getOauth2Client({ client: rp.client, path: { client_id: 'nope' } }));
    expect(unknown.response.status).toBe(404);
    expect(unknown.error).toEqual({ error: 'invalid_client', error_description: 'Client id not found' });
    expect(unknown.response.headers.get('cache-control')).toBe('no-store');
  });

  it('issues a 256-bit code stored only as a hash, then tokens over a form with HTTP Basic, no-store', async () => {
    const { verifier, challenge } = pkce();
    const granted = must(await sa.authorizeGrant({ client: ada.client, body: { client_id: GRAFANA.id, response_type: 'code', redirect_uri: GRAFANA.redirect, scope: 'openid email username', state: 'xyz', nonce: 'n-0S6', code_challenge: challenge, code_challenge_method: 'S256' } }));
    expect(granted.response.status).toBe(200);
    expect(granted.response.headers.get('cache-control')).toBe('no-store');
    const { code, state } = granted.data!;
    expect(state).toBe('xyz');
    expect(Buffer.from(code, 'base64url').length).toBeGreaterThanOrEqual(16);
    const [codeRow] = await rows(gh.runtime.db, 'oauth2_tokens', { token_hash: sha256(code) });
    expect(codeRow).toMatchObject({ type: 'code', client_id: 'grafana', redirect_uri: GRAFANA.redirect, code_challenge: challenge, nonce: 'n-0S6', scope: 'openid email username', used_at: null });
    expect(JSON.stringify(await rows(gh.runtime.db, 'oauth2_tokens'))).not.toContain(code);

    const issued = must(await sa.grantToken({ client: rp.client, ...form, headers: { ...form.headers, Authorization: basic(GRAFANA.id, GRAFANA.secret) }, body: { grant_type: 'authorization_code', code, redirect_uri: GRAFANA.redirect, code_verifier: verifier } }));
    expect(issued.response.status).toBe(200);
    expect(issued.response.headers.get('cache-control')).toBe('no-store');
    expect(issued.response.headers.get('pragma')).toBe('no-cache');
    const tokens = issued.data!;
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'openid email username' });
    expect(tokens.refresh_token).toMatch(/^[\w-]{43}$/);

    // The access token: an EdDSA JWT with kid, verifiable with the published JWKS.
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt', kid: expect.any(String) });
    const claims = await verifyWithJwks(gh, tokens.access_token, 'grafana');
    expect(claims).toMatchObject({ iss: gh.url, sub: ada.uuid, aud: 'grafana', client_id: 'grafana', scope: 'openid email username' });
    expect(claims.exp! - claims.iat!).toBe(3600);
    // The ID token (client has oidc, openid granted): nonce, iat and the scope-gated claims.
    // RS256 for a client that names no id_token_signed_response_alg (OIDC Core §15.1).
    expect(decodeProtectedHeader(tokens.id_token!)).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    const id = await verifyWithJwks(gh, tokens.id_token!, 'grafana');
    expect(id).toMatchObject({ iss: gh.url, sub: ada.uuid, aud: 'grafana', nonce: 'n-0S6', email: 'ada@example.com', name: 'ada', preferred_username: 'ada', iat: expect.any(Number), exp: expect.any(Number) });

    const account = await accountRow(gh.runtime.db, 'ada');
    const stored = await rows(gh.runtime.db, 'oauth2_tokens', { account_id: account!.id, client_id: 'grafana' });
    const byType = (t: string) => stored.filter((r) => r.type === t && r.grant_id === codeRow!.grant_id);
    expect(byType('code')[0]!.used_at).not.toBeNull();
    expect(byType('refresh_token').map((r) => r.token_hash)).toEqual([sha256(tokens.refresh_token!)]);
    expect(byType('access_token').map((r) => r.token_hash)).toEqual([sha256(String(decodeJwt(tokens.access_token).jti))]);
    expect(await auditMessages(gh.runtime.db, Number(account!.id))).toEqual(expect.arrayContaining(['Issued OAuth2 code', 'Issued OAuth2 access_token', 'Issued OAuth2 refresh_token']));
  });

  it('a second redemption of a code fails with invalid_grant and revokes everything the first issued', async () => {
    const code = await grafanaCode();
    const body = { grant_type: 'authorization_code', client_id: GRAFANA.id, client_secret: GRAFANA.secret, code, redirect_uri: GRAFANA.redirect };
    const first = must(await sa.grantToken({ client: rp.client, body }));
    expect(first.response.status).toBe(200);
    const introspect = (token: string) => sa.introspectToken({ client: rp.client, body: { token, client_id: GRAFANA.id, client_secret: GRAFANA.secret } });
    expect(must(await introspect(first.data!.access_token)).data).toMatchObject({ active: true });

    const second = must(await sa.grantToken({ client: rp.client, body }));
    expect(second.response.status).toBe(400);
    expect(second.error).toEqual({ error: 'invalid_grant', error_description: 'authorization code is invalid, expired or already used' });
    expect(second.response.headers.get('cache-control')).toBe('no-store');
    expect(must(await introspect(first.data!.access_token)).data).toEqual({ active: false });
    expect(must(await introspect(first.data!.refresh_token!)).data).toEqual({ active: false });
    const refresh = must(await sa.grantToken({ client: rp.client, body: { grant_type: 'refresh_token', client_id: GRAFANA.id, client_secret: GRAFANA.secret, refresh_token: first.data!.refresh_token! } }));
    expect(refresh.error).toMatchObject({ error: 'invalid_grant' });

    const [codeRow] = await rows(gh.runtime.db, 'oauth2_tokens', { token_hash: sha256(code) });
    const family = await rows(gh.runtime.db, 'oauth2_tokens', { grant_id: codeRow!.grant_id });
    expect(family.map((r) => [r.type, r.revoked_at !== null])).toEqual([
      ['code', true],
      ['access_token', true],
      ['refresh_token', true],
    ]);
    const [grant] = await rows(gh.runtime.db, 'oauth2_grants', { id: codeRow!.grant_id });
    expect(grant!.revoked_at).not.toBeNull();
    const account = await accountRow(gh.runtime.db, 'ada');
    const alerts = await rows(gh.runtime.db, 'audit_records', { account_id: account!.id, level: 'alert' });
    expect(alerts.map((a) => a.message)).toContain('OAuth2 authorization code reused; grant revoked');
  });

  it('lets exactly one of two concurrent redemptions of a code win (conditional UPDATE)', async () => {
    const code = await grafanaCode();
    const body = { grant_type: 'authorization_code', client_id: GRAFANA.id, client_secret: GRAFANA.secret, code, redirect_uri: GRAFANA.redirect };
    const results = await Promise.all([sa.grantToken({ client: rp.client, body }), sa.grantToken({ client: rp.client, body })]);
    expect(results.map((r) => must(r).response.status).sort()).toEqual([200, 400]);
    const [codeRow] = await rows(gh.runtime.db, 'oauth2_tokens', { token_hash: sha256(code) });
    // The loser saw a replay, so the winner's tokens are revoked as well.
    const family = await rows(gh.runtime.db, 'oauth2_tokens', { grant_id: codeRow!.grant_id });
    expect(family.filter((r) => r.type === 'access_token')).toHaveLength(1);
    expect(family.every((r) => r.revoked_at !== null)).toBe(true);
  });

  it('refuses a redirect URI that is not registered, and one that differs from the code’s', async () => {
    const bad = must(await sa.authorizeGrant({ client: ada.client, body: { client_id: GRAFANA.id, response_type: 'code', redirect_uri: 'https://grafana.example.com/login/generic_oauth/../evil' } }));
    expect(bad.response.status).toBe(400);
    expect(bad.error).toEqual({ error: 'invalid_request', error_description: 'Unknown redirect URI' });
    const prefix = must(await sa.authorizeGrant({ client: ada.client, body: { client_id: GRAFANA.id, response_type: 'code', redirect_uri: `${GRAFANA.redirect}x` } }));
    expect(prefix.error).toMatchObject({ error: 'invalid_request' });

    const code = await grafanaCode();
    const wrong = must(await sa.grantToken({ client: rp.client, body: { grant_type: 'authorization_code', client_id: GRAFANA.id, client_secret: GRAFANA.secret, code, redirect_uri: WIKI.redirect } }));
    expect(wrong.response.status).toBe(400);
    expect(wrong.error).toMatchObject({ error: 'invalid_grant' });
    // The code was not spent by the failed attempt.
    const [row] = await rows(gh.runtime.db, 'oauth2_tokens', { token_hash: sha256(code) });
    expect(row!.used_at).toBeNull();
  });

  it('checks PKCE: S256 only, mismatch refused, and no downgrade in either direction', async () => {
    const plain = must(await sa.authorizeGrant({ client: ada.client, body: { client_id: GRAFANA.id, response_type: 'code', redirect_uri: GRAFANA.redirect, code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' as 'S256' } }));
    expect(plain.response.status).toBe(400);
    expect(plain.error).toMatchObject({ error: 'invalid_request' });
    const noMethod = must(await sa.authorizeGrant({ client: ada.client, body: { client_id: GRAFANA.id, response_type: 'code', redirect_uri: GRAFANA.redirect, code_challenge: pkce().challenge } }));
    expect(noMethod.error).toEqual({ error: 'invalid_request', error_description: 'code_challenge_method must be S256' });

    const { verifier, challenge } = pkce();
    const codeWithChallenge = () => grafanaCode({ code_challenge: challenge, code_challenge_method: 'S256' });
    const redeem = (code: string, extra: Record<string, string>) =>
      sa.grantToken({ client: rp.client, body: { grant_type: 'authorization_code', client_id: GRAFANA.id, client_secret: GRAFANA.secret, code, redirect_uri: GRAFANA.redirect, ...extra } });
    // A wrong verifier burns the code: the right one after it no longer redeems it.
    const guessed = await codeWithChallenge();
    const mismatch = must(await redeem(guessed, { code_verifier: pkce().verifier }));
    expect(mismatch.error).toEqual({ error: 'invalid_grant', error_description: 'code_verifier does not match the code_challenge' });
    expect(must(await redeem(guessed, { code_verifier: verifier })).error).toMatchObject({ error: 'invalid_grant' });
    const [burned] = await rows(gh.runtime.db, 'oauth2_tokens', { token_hash: sha256(guessed) });
    expect(burned!.used_at).not.toBeNull();
    const stripped = await codeWithChallenge();
    const downgrade = must(await redeem(stripped, {}));
    expect(downgrade.error).toEqual({ error: 'invalid_grant', error_description: 'code_verifier required' });
    expect(must(await redeem(stripped, { code_verifier: verifier })).error).toMatchObject({ error: 'invalid_grant' });
    expect(must(await redeem(await codeWithChallenge(), { code_verifier: verifier })).response.status).toBe(200);

    const noChallenge = await grafanaCode();
    const injected = must(await sa.grantToken({ client: rp.client, body: { grant_type: 'authorization_code', client_id: GRAFANA.id, client_secret: GRAFANA.secret, code: noChallenge, redirect_uri: GRAFANA.redirect, code_verifier: verifier } }));
    expect(injected.error).toMatchObject({ error: 'invalid_grant' });
  });

  it('requires PKCE of public clients, which authenticate with their id alone', async () => {
    const without = must(await sa.authorizeGrant({ client: ada.client, body: { client_id: CLI.id, response_type: 'code', redirect_uri: CLI.redirect, scope: 'email' } }));
    expect(without.error).toEqual({ error: 'invalid_request', error_description: 'PKCE (S256 code_challenge) is required for this client' });
    const { verifier, challenge } = pkce();
    const code = await codeFor(ada, { client_id: CLI.id, response_type: 'code', redirect_uri: CLI.redirect, scope: 'email', code_challenge: challenge, code_challenge_method: 'S256' });
    const issued = must(await sa.grantToken({ client: rp.client, ...form, body: { grant_type: 'authorization_code', client_id: CLI.id, code, redirect_uri: CLI.redirect, code_verifier: verifier } }));
    expect(issued.response.status).toBe(200);
    expect(issued.data!.id_token).toBeUndefined();
    // A public client cannot introspect (RFC 7662 §2.1 wants an authenticated protected resource).
    const intro = must(await sa.introspectToken({ client: rp.client, body: { token: issued.data!.access_token, client_id: CLI.id } }));
    expect(intro.response.status).toBe(401);
  });

  it('answers a wrong client secret 401 invalid_client, with a Basic challenge when Basic was used', async () => {
    const code = await grafanaCode();
    const body = { grant_type: 'authorization_code', code, redirect_uri: GRAFANA.redirect };
    const viaBasic = must(await sa.grantToken({ client: rp.client, headers: { Authorization: basic(GRAFANA.id, 'wrong-secret') }, body }));
    expect(viaBasic.response.status).toBe(401);
    expect(viaBasic.error).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
    expect(viaBasic.response.headers.get('www-authenticate')).toBe('Basic realm="gatehouse"');
    expect(viaBasic.response.headers.get('cache-control')).toBe('no-store');
    const viaBody = must(await sa.grantToken({ client: rp.client, body: { ...body, client_id: GRAFANA.id, client_secret: 'wrong-secret' } }));
    expect(viaBody.response.status).toBe(401);
    expect(viaBody.response.headers.get('www-authenticate')).toBeNull();
    const noSecret = must(await sa.grantToken({ client: rp.client, body: { ...body, client_id: GRAFANA.id } }));
    expect(noSecret.error).toMatchObject({ error: 'invalid_client' });
    const unknown = must(await sa.grantToken({ client: rp.client, body: { ...body, client_id: 'nobody', client_secret: 'x' } }));
    expect(unknown.response.status).toBe(401);
    const both = must(await sa.grantToken({ client: rp.client, headers: { Authorization: basic(GRAFANA.id, GRAFANA.secret) }, body: { ...body, client_secret: GRAFANA.secret } }));
    expect(both.error).toMatchObject({ error: 'invalid_client' });
    // None of these spent the code.
    expect(must(await sa.grantToken({ client: rp.client, headers: { Authorization: basic(GRAFANA.id, GRAFANA.secret) }, body })).response.status).toBe(200);
  });

  it('lets a code expire after 60 seconds', async () => {
    const code = await grafanaCode();
    gh.clock.advance(61);
    const late = must(await sa.grantToken({ client: rp.client, body: { grant_type: 'authorization_code', client_id: GRAFANA.id, client_secret: GRAFANA.secret, code, redirect_uri: GRAFANA.redirect } }));
    expect(late.response.status).toBe(400);
    expect(late.error).toEqual({ error: 'invalid_grant', error_description: 'authorization code is invalid, expired or already used' });
  });

  it('refuses unknown grant types, scopes outside the client’s list and a code of another client', async () => {
    const unsupported = must(await sa.grantToken({ client: rp.client, body: { grant_type: 'client_credentials', client_id: GRAFANA.id, client_secret: GRAFANA.secret } }));
    expect(unsupported.error).toEqual({ error: 'unsupported_grant_type', error_description: 'Unknown grant type: client_credentials' });
    const scope = must(await sa.authorizeGrant({ client: ada.client, body: { client_id: GRAFANA.id, response_type: 'code', redirect_uri: GRAFANA.redirect, scope: 'email admin' } }));
    expect(scope.error).toEqual({ error: 'invalid_scope', error_description: 'Invalid scopes' });
    const unknownClient = must(await sa.authorizeGrant({ client: ada.client, body: { client_id: 'nobody', response_type: 'code', redirect_uri: GRAFANA.redirect } }));
    expect(unknownClient.error).toEqual({ error: 'invalid_client', error_description: 'Unknown client id' });
    const code = await grafanaCode();
    const stolen = must(await sa.grantToken({ client: rp.client, body: { grant_type: 'authorization_code', client_id: WIKI.id, client_secret: WIKI.secret, code, redirect_uri: GRAFANA.redirect } }));
    expect(stolen.error).toMatchObject({ error: 'invalid_grant' });
    const missing = must(await sa.grantToken({ client: rp.client, body: { grant_type: 'authorization_code', client_id: GRAFANA.id, client_secret: GRAFANA.secret, redirect_uri: GRAFANA.redirect } }));
    expect(missing.error).toEqual({ error: 'invalid_request', error_description: 'missing code' });
  });

  it('keeps the common error shape for the consent endpoint’s session and CSRF checks', async () => {
    const anonymous = await backend(gh);
    const noSession = must(await sa.authorizeGrant({ client: anonymous.client, body: { client_id: GRAFANA.id, response_type: 'code', redirect_uri: GRAFANA.redirect } }));
    expect(noSession.response.status).toBe(401);
    expect(noSession.error).toMatchObject({ error: true, reason: 'unauthorized' });
    ada.browser.csrf = false;
    try {
      const noCsrf = must(await sa.authorizeGrant({ client: ada.client, body: { client_id: GRAFANA.id, response_type: 'code', redirect_uri: GRAFANA.redirect } }));
      expect(noCsrf.response.status).toBe(403);
      expect(noCsrf.error).toMatchObject({ error: true, reason: 'invalid-csrf-token' });
    } finally {
      ada.browser.csrf = true;
    }
  });
});
