/**
 * Everything the Gatehouse targets present, created through Gatehouse's own HTTP API (the
 * generated SDKs), as an operator's scripts would: accounts, a browser session, an OAuth2 access
 * token from the code flow, a mgmt bearer token and API tokens.
 */
import { randomBytes } from 'node:crypto';
import { createClient as credentialsClient } from '../../generated/credentials/client/index.js';
import * as credentials from '../../generated/credentials/sdk.gen.js';
import { createClient as mgmtClient } from '../../generated/mgmt/client/index.js';
import * as mgmt from '../../generated/mgmt/sdk.gen.js';
import { createClient as simpleAuthClient } from '../../generated/simple-auth/client/index.js';
import * as sa from '../../generated/simple-auth/sdk.gen.js';
import { basicAuth, CookieJar, expectOk } from './http.js';

/** The confidential OAuth2 client the introspection target authenticates as. */
export const RELYING_PARTY = { id: 'bench-rp', secret: randomBytes(24).toString('base64url'), redirect: 'https://rp.bench.invalid/callback' };

export interface GatehouseFixtures {
  /** the simple-auth `auth` session cookie's value */
  session: string;
  /** access token the relying party got from the code flow */
  rpAccessToken: string;
  /** mgmt face bearer token */
  mgmtToken: string;
  /** credentials face API token (`ghk_…`) */
  apiToken: string;
  login: { username: string; password: string };
  /** accounts the storm guesses wrong passwords for, one per storm connection */
  stormUsers: string[];
}

const API_TOKENS = 5;

export async function setUpGatehouse(origin: string, stormUsers: number): Promise<GatehouseFixtures> {
  const password = randomBytes(18).toString('base64url');
  const browser = new CookieJar();
  const simpleAuth = simpleAuthClient({ baseUrl: `${origin}/api/v1`, fetch: browser.fetch });
  await browser.fetch(`${origin}/login`); // the login page hands out the _csrf cookie
  const create = async (username: string, createSession: boolean) =>
    expectOk(`create account ${username}`, await sa.createAccount({ client: simpleAuth, body: { username, email: `${username}@bench.invalid`, password }, query: { createSession } }));
  await create('bench', true);
  const session = browser.cookies.get('auth');
  if (!session) throw new Error('set-up failed: account creation with createSession=true set no auth cookie');
  const storm = Array.from({ length: stormUsers }, (_, i) => `storm-${String(i + 1).padStart(3, '0')}`);
  for (let i = 0; i < storm.length; i += 4) await Promise.all(storm.slice(i, i + 4).map((u) => create(u, false)));

  const { code } = expectOk('authorize grant', await sa.authorizeGrant({ client: simpleAuth, body: { client_id: RELYING_PARTY.id, response_type: 'code', redirect_uri: RELYING_PARTY.redirect, scope: 'email' } }));
  const backend = simpleAuthClient({ baseUrl: `${origin}/api/v1` });
  const issued = expectOk(
    'token from the code',
    await sa.grantToken({ client: backend, headers: { authorization: basicAuth(RELYING_PARTY.id, RELYING_PARTY.secret) }, body: { grant_type: 'authorization_code', code, redirect_uri: RELYING_PARTY.redirect } }),
  );

  const mgmtApi = mgmtClient({ baseUrl: `${origin}/api` });
  const mgmtToken = expectOk('mgmt login', await mgmt.loginClientCredentials({ client: mgmtApi, headers: { authorization: basicAuth('bench', password) }, body: { grant_type: 'client_credentials' } })).access_token;

  const credentialsApi = credentialsClient({ baseUrl: `${origin}/api/web`, headers: { authorization: `Bearer ${mgmtToken}` } });
  let apiToken = '';
  for (let i = 1; i <= API_TOKENS; i++) {
    const created = expectOk(
      'create API token',
      await credentials.createApiCredential({ client: credentialsApi, path: { namespace: 'system' }, body: { name: `bench-token-${i}`, expiration_days: 30, spec: { type: 'API_TOKEN' } } }),
    );
    apiToken ||= created.data ?? '';
  }
  if (!apiToken.startsWith('ghk_')) throw new Error('set-up failed: the API token creation returned no ghk_ token');
  return { session, rpAccessToken: issued.access_token, mgmtToken, apiToken, login: { username: 'bench', password }, stormUsers: storm };
}
