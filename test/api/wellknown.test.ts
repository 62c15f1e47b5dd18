import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../generated/wellknown/client/index.js';
import { getJwks, getOpenidConfiguration } from '../../generated/wellknown/sdk.gen.js';
import { DATABASES } from '../support/databases.js';
import { rows } from '../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { BrowserLikeClient } from '../support/http.js';
import { must } from '../support/simple-auth.js';

/** The configured public URL, not the address the request came on: relying parties see the proxy's. */
const ISSUER = 'https://id.example.com';

/** OIDC discovery and the JWKS through the wellknown face's generated SDK, answers checked against the contract. */
describe.each(DATABASES)('wellknown discovery and JWKS on %s', (kind) => {
  let gh: TestGatehouse;
  let client: Client;
  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { server: { publicUrl: ISSUER } } });
    client = createClient({ baseUrl: gh.url, fetch: new BrowserLikeClient().fetch });
  });
  afterAll(async () => gh?.stop());

  it('names the configured issuer and an absolute jwks_uri under it, cacheable for five minutes', async () => {
    const discovery = must(await getOpenidConfiguration({ client }));
    expect(discovery.response.status).toBe(200);
    expect(discovery.response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(discovery.data).toMatchObject({ issuer: ISSUER, jwks_uri: `${ISSUER}/.well-known/jwks.json`, token_endpoint: `${ISSUER}/api/v1/auth/oauth2/token` });
  });

  it('publishes the public half of every stored signing key, with kid and an advertised alg', async () => {
    const jwks = must(await getJwks({ client }));
    expect(jwks.response.status).toBe(200);
    const { keys } = jwks.data!;
    expect(keys.length).toBeGreaterThan(0);
    const advertised = must(await getOpenidConfiguration({ client })).data!.id_token_signing_alg_values_supported;
    for (const key of keys) {
      expect(key.kid).toMatch(/\S/);
      expect(advertised).toContain(key.alg);
      expect(key).toMatchObject({ use: 'sig' });
      // A private parameter here would hand out the signing key (RFC 7517 §9.1).
      expect(Object.keys(key).filter((k) => ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].includes(k))).toEqual([]);
    }
    const stored = await rows(gh.runtime.db, 'signing_keys');
    const byKid = (pairs: unknown[][]) => pairs.sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    expect(byKid(keys.map((k) => [k.kid, k.alg]))).toEqual(byKid(stored.map((r) => [r.kid, r.alg])));
    expect(keys.map((k) => k.alg).sort()).toEqual(['EdDSA', 'RS256']);
  });
});
