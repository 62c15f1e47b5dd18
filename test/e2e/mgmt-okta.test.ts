import { decodeJwt } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mgmt from '../../generated/mgmt/sdk.gen.js';
import { launchChromium } from '../support/browser.js';
import { DATABASES } from '../support/databases.js';
import { accountRow, rows } from '../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { createAccount, mgmtCaller } from '../support/mgmt.js';
import { idTokenFor, oktaSettings, WIDGET_CALLBACK } from '../support/okta.js';
import { must } from '../support/simple-auth.js';
import { defaultUser, startUpstreamIdp, type UpstreamIdp } from '../support/upstream-idp.js';

const GROUPS: Record<string, string[]> = { dana: ['croit-admins', 'croit-viewers', 'payroll'], victor: ['croit-viewers'], nora: ['payroll'] };
const INVALID = { message: 'invalid id token' };

/**
 * Okta login against a real OpenID provider: a person signs in at the issuer in Chromium, the
 * front end's ID token (with a `groups` claim) is exchanged for a Gatehouse token with mapped roles.
 */
describe.each(DATABASES)('mgmt Okta login on %s', (kind) => {
  let gh: TestGatehouse;
  let idp: UpstreamIdp;
  let browser: Browser;

  beforeAll(async () => {
    idp = await startUpstreamIdp(WIDGET_CALLBACK, (login) => ({ ...defaultUser(login), groups: GROUPS[login] ?? [] }), { claimsInIdToken: true, extraClientIds: ['other-app'] });
    gh = await startGatehouse(kind, { settings: oktaSettings(idp) });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gh?.stop();
    await idp?.stop();
  });

  /** The issuer runs on real time: the instance's clock starts from it for every token. */
  const tokenFor = async (login: string, clientId?: string) => {
    const idToken = await idTokenFor(browser, idp, login, clientId);
    gh.clock.set(new Date());
    return idToken;
  };
  const exchange = async (idToken: string) => must(await mgmt.loginOkta({ client: mgmtCaller(gh).client, body: { idToken } }));
  const failures = async () => (await rows(gh.runtime.db, 'audit_records', { module: 'auth:mgmt', level: 'warn' })).map((r) => String(r.message));

  it('exchanges a valid ID token for a token with the mapped roles, linking the account by verified email; the ID token works once', async () => {
    const { account } = await createAccount(gh, 'dana');
    await gh.runtime.db('accounts').where({ id: account.id }).update({ email: 'dana@upstream.example' });
    const idToken = await tokenFor('dana');
    expect(decodeJwt(idToken)).toMatchObject({ iss: idp.issuer, aud: idp.clientId, groups: GROUPS.dana, email: 'dana@upstream.example' });

    const result = await exchange(idToken);
    expect(result.response.status).toBe(200);
    expect(result.response.headers.get('cache-control')).toBe('no-store');
    expect(result.data).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 3600, roles: ['admin', 'viewer'], userId: account.id });
    expect(await rows(gh.runtime.db, 'account_links', { account_id: account.id })).toMatchObject([{ issuer: idp.issuer, subject: 'dana' }]);
    // The account's own roles are not changed; the token carries the mapped ones.
    expect(await rows(gh.runtime.db, 'account_roles', { account_id: account.id }, 'role')).toEqual([]);
    const info = must(await mgmt.getTokenInfo({ client: mgmtCaller(gh, { token: result.data!.access_token }).client }));
    expect(info.data).toMatchObject({ username: 'dana', roles: ['admin', 'viewer'] });

    const replay = await exchange(idToken);
    expect([replay.response.status, replay.error]).toEqual([401, INVALID]);
    expect(await failures()).toContain('AUTH_OKTA_LOGIN failed: ID token replayed');
  });

  it('creates an account for a new person, with only the roles their groups map to', async () => {
    const result = await exchange(await tokenFor('victor'));
    expect(result.response.status).toBe(200);
    const victor = (await accountRow(gh.runtime.db, 'victor'))!;
    expect(victor).toMatchObject({ email: 'victor@upstream.example', password_hash: null, display_name: 'Victor Upstream' });
    expect(result.data).toMatchObject({ roles: ['viewer'], userId: Number(victor.id) });
    expect(result.data).not.toHaveProperty('passwordWasNeverChanged');
    expect(await rows(gh.runtime.db, 'account_links', { account_id: victor.id })).toMatchObject([{ issuer: idp.issuer, subject: 'victor' }]);
  });

  it('answers 403 when none of the groups maps to a role, and creates no account', async () => {
    const result = await exchange(await tokenFor('nora'));
    expect([result.response.status, result.error]).toEqual([403, { message: 'no role is mapped to this user' }]);
    expect(await accountRow(gh.runtime.db, 'nora')).toBeUndefined();
  });

  it('refuses an ID token issued to another client, a tampered one, an unsigned one and an expired one with 401', async () => {
    const otherApp = await exchange(await tokenFor('dana', 'other-app'));
    expect([otherApp.response.status, otherApp.error]).toEqual([401, INVALID]);

    // Victor promotes himself: the payload changes, the issuer's signature no longer matches.
    const [header, payload, signature] = (await tokenFor('victor')).split('.');
    const claims = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), groups: ['croit-admins'] };
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect(await failedWith(forged)).toEqual([401, INVALID]);
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    expect(await failedWith(unsigned)).toEqual([401, INVALID]);

    // The upstream's ID tokens live 600 s; past that and the 60 s skew, the token is refused.
    const late = await tokenFor('victor');
    gh.clock.advance(600 + 61);
    expect(await failedWith(late)).toEqual([401, INVALID]);
    // Issued more than the skew ahead of this instance's clock: refused too.
    gh.clock.set(new Date());
    gh.clock.advance(-(60 + 5));
    expect(await failedWith(late)).toEqual([401, INVALID]);
    // A refused token was not spent: in its lifetime it still works, once.
    gh.clock.set(new Date());
    expect((await exchange(late)).response.status).toBe(200);
    expect(await failures()).toEqual(
      expect.arrayContaining([
        'AUTH_OKTA_LOGIN failed: verification failed: ERR_JWT_CLAIM_VALIDATION_FAILED',
        'AUTH_OKTA_LOGIN failed: verification failed: ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
        'AUTH_OKTA_LOGIN failed: verification failed: ERR_JWT_EXPIRED',
        'AUTH_OKTA_LOGIN failed: iat in the future',
      ]),
    );
  });

  it('answers 401 like an invalid token for a deactivated account', async () => {
    await gh.runtime.db('accounts').where({ username: 'victor' }).update({ active: false });
    expect(await failedWith(await tokenFor('victor'))).toEqual([401, INVALID]);
    await gh.runtime.db('accounts').where({ username: 'victor' }).update({ active: true });
  });

  async function failedWith(idToken: string) {
    const result = await exchange(idToken);
    return [result.response.status, result.error];
  }
});
