import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHORITIES, THIRD_PARTY_SCOPE_AUTHORITIES, type Authority } from '../../../core/kernel/authority.js';
import * as credentialsSdk from '../../../generated/credentials/sdk.gen.js';
import { routes as adminRoutes } from '../../../generated/admin/routes.gen.js';
import * as adminSdk from '../../../generated/admin/sdk.gen.js';
import { routes as credentialsRoutes } from '../../../generated/credentials/routes.gen.js';
import * as mgmtSdk from '../../../generated/mgmt/sdk.gen.js';
import { routes as mgmtRoutes } from '../../../generated/mgmt/routes.gen.js';
import * as platformSdk from '../../../generated/platform/sdk.gen.js';
import { routes as platformRoutes } from '../../../generated/platform/routes.gen.js';
import * as portalSdk from '../../../generated/portal/sdk.gen.js';
import { routes as portalRoutes } from '../../../generated/portal/routes.gen.js';
import * as sa from '../../../generated/simple-auth/sdk.gen.js';
import { credentialsCaller, reasonOf } from '../../support/credentials.js';
import { DATABASES } from '../../support/databases.js';
import { rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { mgmtCaller } from '../../support/mgmt.js';
import { backend, basic, codeFor, form, GRAFANA, oauth2Settings } from '../../support/oauth2.js';
import { ADMIN, bootstrapAdmin, platformCaller } from '../../support/platform.js';
import { portalClient } from '../../support/portal.js';
import { must, simpleAuthCaller } from '../../support/simple-auth.js';
import { adminCaller } from '../../support/admin.js';

type Call = (options: Record<string, unknown>) => Promise<{ response: Response; error?: unknown; data?: unknown }>;

/** Every face that takes a bearer token, with its SDK, a client for a token, and its 403 in its own shape. */
const FACES = {
  credentials: {
    routes: credentialsRoutes,
    sdk: credentialsSdk as unknown as Record<string, Call>,
    client: (gh: TestGatehouse, token: string) => credentialsCaller(gh, { bearer: token }),
    refusal: (error: unknown) => {
      expect(error).toMatchObject({ code: 7, message: 'insufficient_scope' });
      expect(reasonOf(error)).toBe('INSUFFICIENT_SCOPE');
    },
  },
  platform: {
    routes: platformRoutes,
    sdk: platformSdk as unknown as Record<string, Call>,
    client: (gh: TestGatehouse, token: string) => platformCaller(gh, { token }).client,
    refusal: (error: unknown) => expect(error).toEqual({ code: 403, message: 'insufficient_scope' }),
  },
  portal: {
    routes: portalRoutes,
    sdk: portalSdk as unknown as Record<string, Call>,
    client: (gh: TestGatehouse, token: string) => portalClient(gh, token),
    refusal: (error: unknown) => expect(error).toEqual({ detail: 'insufficient_scope' }),
  },
  admin: {
    routes: adminRoutes,
    sdk: adminSdk as unknown as Record<string, Call>,
    client: (gh: TestGatehouse, token: string) => adminCaller(gh, token),
    refusal: (error: unknown) => expect(error).toEqual({ type: 'urn:gatehouse:problem:insufficient_scope', title: 'insufficient_scope', status: 403, detail: 'insufficient_scope' }),
  },
  mgmt: {
    routes: mgmtRoutes,
    sdk: mgmtSdk as unknown as Record<string, Call>,
    client: (gh: TestGatehouse, token: string) => mgmtCaller(gh, { token }).client,
    refusal: (error: unknown) => expect(error).toBeDefined(),
  },
} as const;

/** Every operation a bearer token can be presented to, with its authority. */
const BEARER_OPERATIONS = Object.entries(FACES).flatMap(([face, { routes }]) =>
  Object.entries(routes as Record<string, { security: readonly (readonly string[])[]; authority: Authority }>)
    .filter(([, route]) => route.security.some((alternative) => alternative.includes('BearerAuth')))
    .map(([operationId, route]) => ({ face: face as keyof typeof FACES, operationId, authority: route.authority })),
);

/** hey-api names an SDK function after its operationId, with its own casing (getOIDCProvider → getOidcProvider). */
function sdkFunction(sdk: Record<string, Call>, operationId: string): Call {
  const name = Object.keys(sdk).find((key) => key.toLowerCase() === operationId.toLowerCase());
  if (!name) throw new Error(`no SDK function for ${operationId}`);
  return sdk[name]!;
}

const ALWAYS_ALLOWED: readonly Authority[] = ['public', 'token:self'];
const scopeAllows = (scope: string, authority: Authority) => ALWAYS_ALLOWED.includes(authority) || (THIRD_PARTY_SCOPE_AUTHORITIES[scope] ?? []).includes(authority);

/** Path parameters every templated operation can take; the refusal comes before the contract looks at them. */
const PATH = { namespace: 'system', name: 'probe', client_id: 'probe', account: 'admin', organization: '00000000-0000-4000-8000-000000000000' };

describe.each(DATABASES)('tokens of third-party OAuth2 clients on %s', (kind) => {
  let gh: TestGatehouse;
  let adminToken: string;
  /** an administrator's token issued to the third-party client `grafana`, by scope */
  const thirdParty: Record<'email' | 'username', string> = { email: '', username: '' };

  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { ...oauth2Settings(), credentials: { requestsPerMinute: 0 } } });
    adminToken = (await bootstrapAdmin(gh)).token;
    // The administrator signs in to a third-party app through the simple-auth authorization server.
    const browser = await simpleAuthCaller(gh);
    expect(must(await sa.createSession({ client: browser.client, body: { username: ADMIN.username, password: ADMIN.password } })).response.status).toBe(200);
    const rp = await backend(gh);
    for (const scope of ['email', 'username'] as const) {
      const code = await codeFor(browser, { client_id: GRAFANA.id, response_type: 'code', redirect_uri: GRAFANA.redirect, scope, state: `st-${scope}` });
      const issued = must(await sa.grantToken({ client: rp.client, ...form, headers: { ...form.headers, Authorization: basic(GRAFANA.id, GRAFANA.secret) }, body: { grant_type: 'authorization_code', code, redirect_uri: GRAFANA.redirect } }));
      expect(issued.response.status).toBe(200);
      thirdParty[scope] = issued.data!.access_token;
    }
  });
  afterAll(async () => gh?.stop());

  it('covers every authority the contracts name with a decision, and every bearer operation with a check', () => {
    expect(BEARER_OPERATIONS.length).toBeGreaterThanOrEqual(30);
    for (const { authority } of BEARER_OPERATIONS) expect(AUTHORITIES).toContain(authority);
  });

  it.each(['email', 'username'] as const)('refuses a token with scope %s, in each face\'s shape, on every operation its scope does not cover', async (scope) => {
    const refused = BEARER_OPERATIONS.filter(({ authority }) => !scopeAllows(scope, authority));
    expect(refused.map((op) => op.operationId)).toEqual(expect.arrayContaining(['createBootstrapToken', 'createApiCredential', 'getWebSessionStats', 'revokeAllWebSessions', 'upsertOIDCProvider', 'loginAsUser', 'approve2fa', 'generateCliBrowserToken', 'switchOrg', 'adminCreateAccount', 'adminRotateSigningKeys', 'adminListMail']));
    for (const { face, operationId } of refused) {
      const { sdk, client, refusal, routes } = FACES[face];
      const method = (routes as Record<string, { method: string }>)[operationId]!.method;
      const result = must(await sdkFunction(sdk, operationId)({ client: client(gh, thirdParty[scope]), path: PATH, ...(method === 'get' ? {} : { body: {} }) }));
      expect(result.response.status, `${face} ${operationId}`).toBe(403);
      expect(result.response.headers.get('www-authenticate'), `${face} ${operationId}`).toMatch(/^Bearer error="insufficient_scope"/);
      refusal(result.error);
    }
    // Nothing was minted, bootstrapped or changed on the way.
    expect(await rows(gh.runtime.db, 'api_credentials', {})).toEqual([]);
    expect((await rows(gh.runtime.db, 'setup_state', {})).map((row) => row.bootstrap_token_hash)).toEqual([null]);
    expect((await rows(gh.runtime.db, 'accounts', {})).map((row) => row.username)).toEqual(['admin']);
  });

  it('lets the same administrator act on those operations with a first-party token', async () => {
    const stats = must(await platformSdk.getWebSessionStats({ client: platformCaller(gh, { token: adminToken }).client }));
    expect(stats.response.status).toBe(200);
    const minted = must(await credentialsSdk.createApiCredential({ client: credentialsCaller(gh, { bearer: adminToken }), path: { namespace: 'system' }, body: { name: 'first-party', spec: { type: 'API_TOKEN' } } }));
    expect(minted.response.status).toBe(200);
    const accounts = must(await adminSdk.adminListAccounts({ client: adminCaller(gh, adminToken) }));
    expect(accounts.response.status).toBe(200);
  });

  it('reads the account with an openid/profile/email token and inspects or ends itself with any token', async () => {
    const load = must(await portalSdk.initialLoad({ client: portalClient(gh, thirdParty.email) }));
    expect(load.response.status).toBe(200);
    const narrow = must(await portalSdk.initialLoad({ client: portalClient(gh, thirdParty.username) }));
    expect(narrow.response.status).toBe(403);
    const info = must(await mgmtSdk.getTokenInfo({ client: mgmtCaller(gh, { token: thirdParty.username }).client }));
    expect(info.response.status).toBe(200);
  });
});
