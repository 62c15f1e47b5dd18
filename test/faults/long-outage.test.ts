import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cred from '../../generated/credentials/sdk.gen.js';
import * as mgmt from '../../generated/mgmt/sdk.gen.js';
import * as platform from '../../generated/platform/sdk.gen.js';
import * as portal from '../../generated/portal/sdk.gen.js';
import * as sa from '../../generated/simple-auth/sdk.gen.js';
import { bearerOf, createCredentialsUsers, credentialsCaller } from '../support/credentials.js';
import { clientCredentialsLogin, mgmtCaller } from '../support/mgmt.js';
import { backend, codeFor, GRAFANA, oauth2Settings, signedIn } from '../support/oauth2.js';
import { platformCaller } from '../support/platform.js';
import { portalClient, signIn } from '../support/portal.js';
import { startProxiedGatehouse, type ProxiedGatehouse } from '../support/proxied-gatehouse.js';
import { must, type SimpleAuthCaller } from '../support/simple-auth.js';

type Outcome = { response: Response; data?: unknown; error?: unknown };

/**
 * An outage longer than every cache in the service (the signing-key ring is trusted for 60 s):
 * once the cache is stale, a bearer token can no longer be checked, and that must stay "try again
 * later" on every face: 503 with Retry-After, never 401 (the client would throw the token away),
 * never 200 and never `{"active": false}`. Then the database returns and every call succeeds again
 * without a restart.
 */
describe('an outage longer than the key cache, on MariaDB', () => {
  let p: ProxiedGatehouse;
  let user: SimpleAuthCaller;
  let rp: SimpleAuthCaller;
  const tokens = { mgmt: '', portal: '', platform: '', credentials: '', oauth2: '' };
  const asGrafana = { client_id: GRAFANA.id, client_secret: GRAFANA.secret };

  beforeAll(async () => {
    p = await startProxiedGatehouse({ settings: { ...oauth2Settings(), authenticators: { ...(oauth2Settings().authenticators as object), vouch: { enabled: true } } } });
    const { gh } = p;
    await createCredentialsUsers(gh);
    tokens.mgmt = (await clientCredentialsLogin(gh, 'dana', 'dana-password')).access_token;
    tokens.portal = (await signIn(gh, 'dana@example.com', 'dana-password')).access_token;
    tokens.platform = await bearerOf(gh, 'admin');
    tokens.credentials = await bearerOf(gh, 'dana');
    user = await signedIn(gh, 'olga');
    rp = await backend(gh);
    const code = await codeFor(user, { client_id: GRAFANA.id, response_type: 'code', redirect_uri: GRAFANA.redirect, scope: 'email' });
    const issued = must(await sa.grantToken({ client: rp.client, body: { grant_type: 'authorization_code', ...asGrafana, code, redirect_uri: GRAFANA.redirect } }));
    tokens.oauth2 = issued.data!.access_token;
  });
  afterAll(async () => p?.stop());

  /** One bearer-authenticated (or session-authenticated) call on each face. */
  const calls: Record<string, () => Promise<Outcome>> = {
    'mgmt token-info': async () => must(await mgmt.getTokenInfo({ client: mgmtCaller(p.gh, { token: tokens.mgmt }).client })),
    'portal initial load': async () => must(await portal.initialLoad({ client: portalClient(p.gh, tokens.portal) })),
    'simple-auth introspection': async () => must(await sa.introspectToken({ client: rp.client, body: { token: tokens.oauth2, ...asGrafana } })),
    'simple-auth vouch': async () => must(await sa.vouch({ client: user.client })),
    'platform web-session stats': async () => must(await platform.getWebSessionStats({ client: platformCaller(p.gh, { token: tokens.platform }).client })),
    'credentials list': async () => must(await cred.listApiCredentials({ client: credentialsCaller(p.gh, { bearer: tokens.credentials }), path: { namespace: 'system' } })),
  };

  it('answers 503 with Retry-After on every face once the key cache is stale, and recovers by itself', async () => {
    for (const [name, call] of Object.entries(calls)) expect([name, (await call()).response.status]).toEqual([name, 200]);
    expect(must(await calls['simple-auth introspection']!()).data).toMatchObject({ active: true });

    p.proxy.down();
    // Past the 60 s the key ring is trusted: every token check now needs the database.
    p.gh.clock.advance(61);
    for (const [name, call] of Object.entries(calls)) {
      const outcome = await call();
      expect([name, outcome.response.status, outcome.response.headers.get('retry-after')]).toEqual([name, 503, '5']);
      expect(JSON.stringify(outcome.data ?? outcome.error)).not.toMatch(/active|ECONN|Knex|mysql|stack/i);
    }

    p.proxy.up();
    for (const [name, call] of Object.entries(calls)) {
      await expect.poll(async () => [name, (await call()).response.status], { timeout: 10_000, interval: 200 }).toEqual([name, 200]);
    }
    expect(must(await calls['simple-auth introspection']!()).data).toMatchObject({ active: true, client_id: GRAFANA.id });
  });
});
