import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mgmt from '../../../generated/mgmt/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { mgmtCaller } from '../../support/mgmt.js';
import { freePort } from '../../support/net.js';
import { oktaSettings } from '../../support/okta.js';
import { must } from '../../support/simple-auth.js';

const NOT_CONFIGURED = { message: 'okta login is not configured' };
const SOME_JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

describe.each(DATABASES)('mgmt Okta settings on %s', (kind) => {
  let plain: TestGatehouse;
  let okta: TestGatehouse;
  let issuer: string;

  beforeAll(async () => {
    plain = await startGatehouse(kind);
    // Nothing listens on the issuer's port: its discovery document cannot be fetched.
    issuer = `http://127.0.0.1:${await freePort()}/oauth2/default`;
    okta = await startGatehouse(kind, { settings: oktaSettings({ issuer, clientId: '0oa9x7f3kLmN2pQ4r5d7' }, { requestsPerMinute: 3 }) });
  });
  afterAll(async () => {
    await plain?.stop();
    await okta?.stop();
  });

  it('answers 404 okta login is not configured on both Okta operations when it is off', async () => {
    const config = must(await mgmt.getOktaSignInConfig({ client: mgmtCaller(plain).client }));
    expect([config.response.status, config.error]).toEqual([404, NOT_CONFIGURED]);
    const login = must(await mgmt.loginOkta({ client: mgmtCaller(plain).client, body: { idToken: SOME_JWT } }));
    expect([login.response.status, login.error]).toEqual([404, NOT_CONFIGURED]);
  });

  it('serves the sign-in settings when configured: base URL from the issuer, the client id as audience, the role map', async () => {
    const result = must(await mgmt.getOktaSignInConfig({ client: mgmtCaller(okta).client }));
    expect(result.response.status).toBe(200);
    expect(result.data).toEqual({ baseUrl: new URL(issuer).origin, clientId: '0oa9x7f3kLmN2pQ4r5d7', issuer, audience: '0oa9x7f3kLmN2pQ4r5d7', mapRoles: { admin: 'croit-admins', viewer: 'croit-viewers' } });
  });

  it('answers 400 without an ID token, 502 when the issuer is unreachable, and 429 with Retry-After past the per-address limit', async () => {
    const missing = must(await mgmt.loginOkta({ client: mgmtCaller(okta).client, body: {} as never }));
    expect([missing.response.status, missing.error]).toEqual([400, { message: 'request does not match the contract' }]);
    const unreachable = must(await mgmt.loginOkta({ client: mgmtCaller(okta).client, body: { idToken: SOME_JWT } }));
    expect([unreachable.response.status, unreachable.error]).toEqual([502, { message: 'okta is unreachable' }]);
    expect((await rows(okta.runtime.db, 'audit_records', { module: 'auth:mgmt' })).map((r) => r.message)).toContain('AUTH_OKTA_LOGIN failed: discovery document could not be fetched');

    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push(must(await mgmt.loginOkta({ client: mgmtCaller(okta).client, body: { idToken: SOME_JWT } })).response.status);
    expect(statuses).toEqual([502, 502, 429]);
    const limited = must(await mgmt.loginOkta({ client: mgmtCaller(okta).client, body: { idToken: SOME_JWT } }));
    expect([limited.response.status, limited.error]).toEqual([429, { message: 'rate limit exceeded' }]);
    expect(Number(limited.response.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('mgmt Okta settings with a base URL and an audience', () => {
  let gh: TestGatehouse;
  beforeAll(async () => {
    gh = await startGatehouse('sqlite', { settings: oktaSettings({ issuer: 'https://northwind.okta.com/oauth2/default', clientId: '0oa1' }, { baseUrl: 'https://northwind.okta.com', audience: 'api://croit' }) });
  });
  afterAll(async () => gh?.stop());

  it('serves them as configured', async () => {
    const result = must(await mgmt.getOktaSignInConfig({ client: mgmtCaller(gh).client }));
    expect(result.data).toMatchObject({ baseUrl: 'https://northwind.okta.com', audience: 'api://croit' });
  });
});
