import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sa from '../../../generated/simple-auth/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { accountRow, auditMessages, rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { backend, basic, codeFor, decodeJwt, decodeProtectedHeader, form, GRAFANA, jwks, LEGACY, oauth2Settings, sha256, signedIn, verifyWithJwks, WIKI } from '../../support/oauth2.js';
import { must, type SimpleAuthCaller } from '../../support/simple-auth.js';

/** Refresh rotation, revocation, introspection, auto-grant, password grant, keys and discovery. */
describe.each(DATABASES)('simple-auth OAuth2 tokens on %s', (kind) => {
  let gh: TestGatehouse;
  let rp: SimpleAuthCaller;
  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: oauth2Settings() });
    rp = await backend(gh);
  });
  afterAll(async () => gh?.stop());

  const asGrafana = { client_id: GRAFANA.id, client_secret: GRAFANA.secret };
  const introspect = (token: string, who = asGrafana) => sa.introspectToken({ client: rp.client, body: { token, ...who } });
  async function grafanaTokens(user: SimpleAuthCaller, scope = 'email username') {
    const code = await codeFor(user, { client_id: GRAFANA.id, response_type: 'code', redirect_uri: GRAFANA.redirect, scope });
    const issued = must(await sa.grantToken({ client: rp.client, body: { grant_type: 'authorization_code', ...asGrafana, code, redirect_uri: GRAFANA.redirect } }));
    expect(issued.response.status).toBe(200);
    return issued.data!;
  }

  it('rotates the refresh token on every use; reuse of a rotated one revokes the whole family', async () => {
    const user = await signedIn(gh, 'rotor');
    const first = await grafanaTokens(user);
    const refresh = (token: string, extra: Record<string, string> = {}) => sa.grantToken({ client: rp.client, ...form, body: { grant_type: 'refresh_token', ...asGrafana, refresh_token: token, ...extra } });

    const second = must(await refresh(first.refresh_token!));
    expect(second.response.status).toBe(200);
    expect(second.response.headers.get('cache-control')).toBe('no-store');
    expect(second.data!.refresh_token).toBeDefined();
    expect(second.data!.refresh_token).not.toBe(first.refresh_token);
    expect(second.data!.scope).toBe('email username');
    const narrower = must(await refresh(second.data!.refresh_token!, { scope: 'email' }));
    expect(narrower.data).toMatchObject({ scope: 'email' });
    const third = narrower.data!;
    const wider = must(await refresh(third.refresh_token!, { scope: 'email username' }));
    expect(wider.error).toEqual({ error: 'invalid_scope', error_description: 'scope exceeds the original grant' });
    expect(must(await introspect(third.access_token)).data).toMatchObject({ active: true, scope: 'email' });

    // An attacker replays the first (rotated) refresh token: the family dies, the live tokens too.
    const replay = must(await refresh(first.refresh_token!));
    expect(replay.response.status).toBe(400);
    expect(replay.error).toEqual({ error: 'invalid_grant', error_description: 'refresh token is invalid, expired or already used' });
    expect(must(await introspect(third.access_token)).data).toEqual({ active: false });
    expect(must(await introspect(third.refresh_token!)).data).toEqual({ active: false });
    expect(must(await refresh(third.refresh_token!)).error).toMatchObject({ error: 'invalid_grant' });

    const [row] = await rows(gh.runtime.db, 'oauth2_tokens', { token_hash: sha256(first.refresh_token!) });
    expect(row!.used_at).not.toBeNull();
    const family = await rows(gh.runtime.db, 'oauth2_tokens', { grant_id: row!.grant_id });
    expect(family.every((r) => r.revoked_at !== null)).toBe(true);
    const account = await accountRow(gh.runtime.db, 'rotor');
    expect(await auditMessages(gh.runtime.db, Number(account!.id))).toContain('OAuth2 refresh token reused; grant revoked');
  });

  it('lists the account’s tokens, revokes one by short_token and then introspection says only {active:false}', async () => {
    const user = await signedIn(gh, 'lister');
    const tokens = await grafanaTokens(user);
    const listed = must(await sa.getOauth2Tokens({ client: user.client }));
    expect(listed.response.status).toBe(200);
    expect(listed.data!.tokens.map((t) => [t.client_id, t.client_name, t.type])).toEqual([
      ['grafana', 'Grafana', 'access_token'],
      ['grafana', 'Grafana', 'refresh_token'],
    ]);
    const legacy = must(await sa.getOauth2TokensLegacy({ client: user.client }));
    expect(legacy.data).toEqual(listed.data);
    const access = listed.data!.tokens.find((t) => t.type === 'access_token')!;
    expect(access.short_token).toBe(sha256(String(decodeJwt(tokens.access_token).jti)).slice(0, 8));

    const revoked = must(await sa.revokeToken({ client: user.client, query: { client_id: 'grafana', token: access.short_token } }));
    expect(revoked.response.status).toBe(200);
    expect(revoked.data!.tokens.map((t) => t.type)).toEqual(['refresh_token']);
    const answer = must(await introspect(tokens.access_token));
    expect(answer.response.status).toBe(200);
    expect(answer.data).toEqual({ active: false });
    expect(answer.response.headers.get('cache-control')).toBe('no-store');

    const unknown = must(await sa.revokeToken({ client: user.client, query: { client_id: 'grafana', token: 'ffffffff' } }));
    expect(unknown.response.status).toBe(404);
    expect(unknown.error).toMatchObject({ error: true, reason: 'token-not-found' });
    // Without a token: every grant for the client, refresh token included.
    const all = must(await sa.revokeToken({ client: user.client, query: { client_id: 'grafana' } }));
    expect(all.data).toEqual({ tokens: [] });
    expect(must(await introspect(tokens.refresh_token!)).data).toEqual({ active: false });
    const account = await accountRow(gh.runtime.db, 'lister');
    expect((await auditMessages(gh.runtime.db, Number(account!.id))).filter((m) => m === 'Revoked OAuth2 tokens')).toHaveLength(2);
  });

  it('introspects only for the authenticated client that owns the token, and only live accounts', async () => {
    const user = await signedIn(gh, 'peeker');
    const tokens = await grafanaTokens(user, 'email username');
    const live = must(await introspect(tokens.access_token));
    expect(live.data).toEqual({
      active: true,
      scope: 'email username',
      client_id: 'grafana',
      token_type: 'access_token',
      iat: expect.any(Number),
      exp: expect.any(Number),
      sub: user.uuid,
      aud: 'grafana',
      iss: gh.url,
      email: 'peeker@example.com',
      username: 'peeker',
    });
    expect(live.data!.exp! - live.data!.iat!).toBe(3600);
    expect(must(await introspect(tokens.refresh_token!)).data).toMatchObject({ active: true, token_type: 'refresh_token' });
    // Another client, a forged or unknown token: nothing but active:false.
    expect(must(await introspect(tokens.access_token, { client_id: WIKI.id, client_secret: WIKI.secret })).data).toEqual({ active: false });
    expect(must(await introspect('not-a-token')).data).toEqual({ active: false });
    const [h, p] = tokens.access_token.split('.');
    expect(must(await introspect(`${h}.${p}.${'A'.repeat(86)}`)).data).toEqual({ active: false });
    // No or wrong client credentials: 401 invalid_client.
    const anonymous = must(await sa.introspectToken({ client: rp.client, body: { token: tokens.access_token } }));
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.error).toMatchObject({ error: 'invalid_client' });
    const viaBasic = must(await sa.introspectToken({ client: rp.client, ...form, headers: { ...form.headers, Authorization: basic(GRAFANA.id, GRAFANA.secret) }, body: { token: tokens.access_token } }));
    expect(viaBasic.data).toMatchObject({ active: true });
    // A disabled account's tokens die at once.
    await gh.runtime.db('accounts').where({ username: 'peeker' }).update({ active: false });
    expect(must(await introspect(tokens.access_token)).data).toEqual({ active: false });
    // Expiry comes from the row and the JWT.
    await gh.runtime.db('accounts').where({ username: 'peeker' }).update({ active: true });
    gh.clock.advance(3601);
    expect(must(await introspect(tokens.access_token)).data).toEqual({ active: false });
    expect(must(await introspect(tokens.refresh_token!)).data).toMatchObject({ active: true });
  });

  it('revokes through the RFC 7009 endpoint: a refresh token takes its grant along, unknown tokens are 200 too', async () => {
    const user = await signedIn(gh, 'revoker');
    const tokens = await grafanaTokens(user);
    const revoke = (token: string, extra: Record<string, string> = asGrafana) => sa.revokeTokenRfc7009({ client: rp.client, ...form, body: { token, ...extra } });
    const done = must(await revoke(tokens.refresh_token!));
    expect(done.response.status).toBe(200);
    expect(done.response.headers.get('cache-control')).toBe('no-store');
    // `{}` as JSON, not an empty body: clients that parse every OAuth2 answer (simple-oauth2) need it.
    expect(done.response.headers.get('content-type')).toMatch(/^application\/json\b/);
    expect(done.data).toEqual({});
    expect(must(await introspect(tokens.access_token)).data).toEqual({ active: false });
    const unknown = must(await revoke('never-issued'));
    expect([unknown.response.status, unknown.response.headers.get('content-type')?.split(';')[0], unknown.data]).toEqual([200, 'application/json', {}]);
    const other = await grafanaTokens(user);
    expect(must(await revoke(other.access_token, { client_id: WIKI.id, client_secret: WIKI.secret })).response.status).toBe(200);
    expect(must(await introspect(other.access_token)).data).toMatchObject({ active: true });
    const wrong = must(await revoke(other.access_token, { client_id: GRAFANA.id, client_secret: 'nope' }));
    expect(wrong.response.status).toBe(401);
  });

  it('a password change ends every OAuth2 grant of the account on the spot', async () => {
    const user = await signedIn(gh, 'pwchange');
    const tokens = await grafanaTokens(user);
    expect(must(await introspect(tokens.access_token)).data).toMatchObject({ active: true });
    const changed = must(await sa.changePassword({ client: user.client, body: { oldpassword: 'pwchange-password', newpassword: 'pwchange-password-2' } }));
    expect(changed.response.status).toBe(200);
    expect(must(await introspect(tokens.access_token)).data).toEqual({ active: false });
    const refreshed = must(await sa.grantToken({ client: rp.client, body: { grant_type: 'refresh_token', ...asGrafana, refresh_token: tokens.refresh_token! } }));
    expect(refreshed.response.status).toBe(400);
    expect(refreshed.error).toMatchObject({ error: 'invalid_grant' });
  });

  it('auto-grants only when allowed and the account holds a live token with exactly these scopes', async () => {
    const user = await signedIn(gh, 'auto');
    const auto = (client_id: string, redirect_uri: string, scope: string) => sa.authorizeGrant({ client: user.client, body: { client_id, response_type: 'code', redirect_uri, scope, auto: true, state: 's' } });
    const before = must(await auto(GRAFANA.id, GRAFANA.redirect, 'email'));
    expect(before.response.status).toBe(400);
    expect(before.error).toEqual({ error: 'invalid_grant', error_description: 'no existing token' });
    await grafanaTokens(user, 'email');
    const after = must(await auto(GRAFANA.id, GRAFANA.redirect, 'email'));
    expect(after.response.status).toBe(200);
    expect(after.data).toMatchObject({ code: expect.any(String), state: 's' });
    expect(must(await auto(GRAFANA.id, GRAFANA.redirect, 'email username')).error).toEqual({ error: 'invalid_grant', error_description: 'no existing token' });
    // wiki switches auto-grant off for itself.
    const off = must(await auto(WIKI.id, WIKI.redirect, 'email'));
    expect(off.error).toEqual({ error: 'invalid_request', error_description: 'Auto granting not allowed' });
  });

  it('revokeOldTokens (per client) ends the earlier grants when a new one is issued', async () => {
    const user = await signedIn(gh, 'renewer');
    const get = async () => {
      const code = await codeFor(user, { client_id: WIKI.id, response_type: 'code', redirect_uri: WIKI.redirect, scope: 'email' });
      return must(await sa.grantToken({ client: rp.client, body: { grant_type: 'authorization_code', client_id: WIKI.id, client_secret: WIKI.secret, code, redirect_uri: WIKI.redirect } })).data!;
    };
    const old = await get();
    const fresh = await get();
    const asWiki = { client_id: WIKI.id, client_secret: WIKI.secret };
    expect(must(await introspect(old.access_token, asWiki)).data).toEqual({ active: false });
    expect(must(await introspect(fresh.access_token, asWiki)).data).toMatchObject({ active: true });
  });

  it('keeps the password grant off by default; a client allowed to trade credentials gets the login rules', async () => {
    await signedIn(gh, 'pat');
    const off = must(await sa.grantToken({ client: rp.client, body: { grant_type: 'password', ...asGrafana, username: 'pat', password: 'pat-password' } }));
    expect(off.response.status).toBe(400);
    expect(off.error).toEqual({ error: 'unauthorized_client', error_description: 'trading credentials for token is disabled' });
    const asLegacy = { client_id: LEGACY.id, client_secret: LEGACY.secret };
    const wrong = must(await sa.grantToken({ client: rp.client, ...form, body: { grant_type: 'password', ...asLegacy, username: 'pat', password: 'wrong-password' } }));
    const unknown = must(await sa.grantToken({ client: rp.client, ...form, body: { grant_type: 'password', ...asLegacy, username: 'nobody-at-all', password: 'wrong-password' } }));
    expect(wrong.error).toEqual({ error: 'invalid_grant', error_description: 'invalid username or password' });
    expect(unknown.error).toEqual(wrong.error);
    const ok = must(await sa.grantToken({ client: rp.client, ...form, body: { grant_type: 'password', ...asLegacy, username: 'pat@example.com', password: 'pat-password', scope: 'email' } }));
    expect(ok.response.status).toBe(200);
    expect(ok.data).toMatchObject({ token_type: 'Bearer', scope: 'email' });
    expect(ok.data!.refresh_token).toBeUndefined(); // issueRefreshToken: false for this client
    // reuseToken (per client): the same live token, same jti and expiry, comes back.
    gh.clock.advance(10);
    const again = must(await sa.grantToken({ client: rp.client, body: { grant_type: 'password', ...asLegacy, username: 'pat', password: 'pat-password', scope: 'email' } }));
    expect(decodeJwt(again.data!.access_token).jti).toBe(decodeJwt(ok.data!.access_token).jti);
    expect(again.data!.expires_in).toBe(ok.data!.expires_in - 10);
    const account = await accountRow(gh.runtime.db, 'pat');
    const messages = await auditMessages(gh.runtime.db, Number(account!.id));
    expect(messages).toEqual(expect.arrayContaining(['Login failed', 'Login Successful', 'Issued OAuth2 access_token']));
    expect(messages.filter((m) => m === 'Issued OAuth2 access_token')).toHaveLength(1);
  });

  it('publishes the discovery document with absolute URLs', async () => {
    const response = await fetch(`${gh.url}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await response.json()).toMatchObject({
      issuer: gh.url,
      authorization_endpoint: `${gh.url}/oauth2/authorize`,
      token_endpoint: `${gh.url}/api/v1/auth/oauth2/token`,
      introspection_endpoint: `${gh.url}/api/v1/auth/oauth2/token_info`,
      revocation_endpoint: `${gh.url}/api/v1/auth/oauth2/revoke`,
      jwks_uri: `${gh.url}/.well-known/jwks.json`,
      grant_types_supported: ['authorization_code', 'refresh_token', 'password'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['RS256', 'EdDSA'],
    });
  });

  it('rotates the signing key: old tokens keep verifying and introspecting until they expire', async () => {
    const user = await signedIn(gh, 'keyholder');
    const before = await grafanaTokens(user);
    const oldKid = decodeProtectedHeader(before.access_token).kid!;
    const [stored] = await rows(gh.runtime.db, 'signing_keys', { kid: oldKid });
    expect(stored!.private_jwk).toMatch(/^v1\./);
    expect(String(stored!.private_jwk)).not.toContain('"d"');
    // One key per algorithm: EdDSA signs access tokens, RS256 the ID tokens of clients that do not say.
    const initial = (await jwks(gh)).keys;
    expect(initial.map((k) => k.alg).sort()).toEqual(['EdDSA', 'RS256']);
    expect(initial.map((k) => k.kid)).toContain(oldKid);

    const newKids = await gh.runtime.kernel.oauth2.keys.rotate();
    expect(newKids).toHaveLength(2);
    const after = await grafanaTokens(user, 'openid email username');
    expect(newKids).toContain(decodeProtectedHeader(after.access_token).kid);
    expect(newKids).toContain(decodeProtectedHeader(after.id_token!).kid);
    const published = (await jwks(gh)).keys;
    expect(published.map((k) => k.kid).sort()).toEqual([...newKids, ...initial.map((k) => k.kid)].sort());
    const publicOnly = (k: Record<string, unknown>) => (k.kty === 'OKP' ? k.crv === 'Ed25519' && typeof k.x === 'string' : k.kty === 'RSA' && typeof k.n === 'string' && k.e === 'AQAB') && !('d' in k) && !('p' in k);
    expect(published.every((k) => publicOnly(k as unknown as Record<string, unknown>))).toBe(true);
    expect(await verifyWithJwks(gh, before.access_token, 'grafana')).toMatchObject({ sub: user.uuid });
    expect(must(await introspect(before.access_token)).data).toMatchObject({ active: true });

    // Once every token the old key signed has expired, it leaves the key set.
    gh.clock.advance(3601);
    expect((await jwks(gh)).keys.map((k) => k.kid).sort()).toEqual([...newKids].sort());
  });
});
