import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient as credentialsClient } from '../../generated/credentials/client/index.js';
import * as credentials from '../../generated/credentials/sdk.gen.js';
import { createClient as mgmtClient } from '../../generated/mgmt/client/index.js';
import * as mgmt from '../../generated/mgmt/sdk.gen.js';
import { createClient as platformClient } from '../../generated/platform/client/index.js';
import * as platform from '../../generated/platform/sdk.gen.js';
import { createClient as portalClient } from '../../generated/portal/client/index.js';
import * as portal from '../../generated/portal/sdk.gen.js';
import { createClient as adminClient } from '../../generated/admin/client/index.js';
import * as admin from '../../generated/admin/sdk.gen.js';
import { createClient as scimClient } from '../../generated/scim/client/index.js';
import * as scim from '../../generated/scim/sdk.gen.js';
import { createClient as simpleAuthClient } from '../../generated/simple-auth/client/index.js';
import * as simpleAuth from '../../generated/simple-auth/sdk.gen.js';
import { createClient as wellknownClient } from '../../generated/wellknown/client/index.js';
import * as wellknown from '../../generated/wellknown/sdk.gen.js';
import { assertConformsToContract } from '../support/contract.js';
import { startMock, type RunningMock } from '../support/prism.js';
import { must } from '../support/simple-auth.js';

/**
 * `npm run mock` is what front-end teams build against: Prism must serve every face from the
 * bundled contract, the generated SDKs must work against it, and it must refuse calls that break
 * the contract.
 */
describe('Prism mock of the bundled contract, called through the generated SDKs', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMock();
  });
  afterAll(async () => {
    await mock?.stop();
  });

  const base = (path: string) => `${mock.origin}${path}`;

  it('platform: getWebSessionStats with a bearer token', async () => {
    const client = platformClient({ baseUrl: base(''), headers: { Authorization: 'Bearer eyJhbGciOiJFZERTQSJ9.e30.sig' } });
    const { data, response } = must(await platform.getWebSessionStats({ client }));
    expect(response.status).toBe(200);
    assertConformsToContract('getWebSessionStats', response, data);
    expect(typeof data?.active_sessions).toBe('number');
  });

  it('mgmt: getOktaSignInConfig without credentials', async () => {
    const client = mgmtClient({ baseUrl: base('/api') });
    const { data, response } = must(await mgmt.getOktaSignInConfig({ client }));
    expect(response.status).toBe(200);
    assertConformsToContract('getOktaSignInConfig', response, data);
  });

  it('credentials: listApiCredentials with an APIToken', async () => {
    const client = credentialsClient({ baseUrl: base('/api/web'), headers: { Authorization: 'APIToken ghk_example' } });
    const { data, response } = must(await credentials.listApiCredentials({ client, path: { namespace: 'system' } }));
    expect(response.status).toBe(200);
    assertConformsToContract('listApiCredentials', response, data);
    expect(Array.isArray(data?.items)).toBe(true);
  });

  it('admin: adminListAccounts with a bearer token, and a problem-details 401 without one', async () => {
    const client = adminClient({ baseUrl: base('/admin/v1'), headers: { Authorization: 'Bearer eyJhbGciOiJFZERTQSJ9.e30.sig' } });
    const { data, response } = must(await admin.adminListAccounts({ client }));
    expect(response.status).toBe(200);
    assertConformsToContract('adminListAccounts', response, data);
    const refused = must(await admin.adminListAccounts({ client: adminClient({ baseUrl: base('/admin/v1') }) }));
    expect(refused.response.status).toBe(401);
  });

  it('scim: listScimUsers with a bearer token (application/scim+json)', async () => {
    const client = scimClient({ baseUrl: base('/scim/v2'), headers: { Authorization: 'Bearer ghk_example' } });
    const { data, response } = must(await scim.listScimUsers({ client, query: { filter: 'userName eq "dana"' } }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    assertConformsToContract('listScimUsers', response, data);
    expect(data?.Resources[0]?.userName).toBe('dana');
  });

  it('simple-auth: getOauth2Client (public)', async () => {
    const client = simpleAuthClient({ baseUrl: base('/api/v1') });
    const { data, response } = must(await simpleAuth.getOauth2Client({ client, path: { client_id: 'dashboard' } }));
    expect(response.status).toBe(200);
    assertConformsToContract('getOauth2Client', response, data);
    expect(typeof data?.name).toBe('string');
  });

  it('portal: requestMagicCode (public)', async () => {
    const client = portalClient({ baseUrl: base('/v1') });
    const { data, response } = must(await portal.requestMagicCode({ client, body: { email: 'ada@example.com' } }));
    expect(response.status).toBe(200);
    assertConformsToContract('requestMagicCode', response, data);
    expect(typeof data?.detail).toBe('string');
  });

  it('discovery: getJwks', async () => {
    const client = wellknownClient({ baseUrl: base('') });
    const { data, response } = must(await wellknown.getJwks({ client }));
    expect(response.status).toBe(200);
    assertConformsToContract('getJwks', response, data);
    expect(data?.keys.length).toBeGreaterThan(0);
  });

  it('rejects a request body that violates the contract, and says why', async () => {
    const client = portalClient({ baseUrl: base('/v1') });
    // email is required and must be a string
    const { response } = must(await portal.requestMagicCode({ client, body: { email: 42 } as never }));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get('sl-violations')).toMatch(/email/);
  });

  it('rejects a call to a protected operation without credentials', async () => {
    const client = platformClient({ baseUrl: base('') });
    const { response } = must(await platform.getWebSessionStats({ client }));
    expect(response.status).toBe(401);
  });
});
