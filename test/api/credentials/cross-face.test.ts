import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cred from '../../../generated/credentials/sdk.gen.js';
import * as platform from '../../../generated/platform/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { rateLimitWindows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { as, createCredentialsUsers, credentialsCaller, reasonOf } from '../../support/credentials.js';
import { platformCaller } from '../../support/platform.js';
import { must } from '../../support/simple-auth.js';

const ns = { namespace: 'system' };

describe.each(DATABASES)('credentials across faces, and the request-rate limit, on %s', (kind) => {
  let gh: TestGatehouse;

  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { credentials: { requestsPerMinute: 12 } } });
    // Whole-minute windows: start at the beginning of one so the count below is exact.
    gh.clock.set(new Date(Math.ceil(gh.clock.now().getTime() / 60_000) * 60_000 + 1_000));
    await createCredentialsUsers(gh);
  });
  afterAll(async () => gh?.stop());

  it('lets a service token whose roles grant admin in system administer the platform face, and no other', async () => {
    const admin = await as(gh, 'admin');
    const create = async (name: string, role: string) =>
      must(await cred.createServiceCredential({ client: admin, path: ns, body: { name, type: 'SERVICE_API_TOKEN', api_token: {}, namespace_roles: [{ namespace: 'system', role }] } })).data!.data;
    const operator = await create('operator', 'admin');
    const reader = await create('reader', 'viewer');
    const stats = must(await platform.getWebSessionStats({ client: platformCaller(gh, { apiKey: operator! }).client }));
    expect(stats.response.status).toBe(200);
    const refused = must(await platform.getWebSessionStats({ client: platformCaller(gh, { apiKey: reader! }).client }));
    expect(refused.response.status).toBe(403);
    expect(refused.error).toEqual({ code: 403, message: 'admin access required' });
  });

  it('answers 429 RESOURCE_EXHAUSTED with Retry-After and RetryInfo once an address exceeds the limit', async () => {
    gh.clock.advance(60);
    const stranger = credentialsCaller(gh, { apiToken: 'ghk_not-a-token' });
    for (let i = 0; i < 12; i++) expect(must(await cred.listApiCredentials({ client: stranger, path: ns })).response.status).toBe(401);
    const limited = must(await cred.listApiCredentials({ client: stranger, path: ns }));
    expect(limited.response.status).toBe(429);
    expect(limited.response.headers.get('retry-after')).toBe('59');
    expect(limited.error).toMatchObject({ code: 8, details: expect.arrayContaining([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retry_delay: '59s' }]) });
    expect(reasonOf(limited.error)).toBe('THROTTLED');
    // Counted in the instance's memory: the credentials face writes nothing per request.
    expect(await rateLimitWindows(gh.runtime.db, 'credentials:127.0.0.1')).toEqual([]);
    gh.clock.advance(60);
    expect(must(await cred.listApiCredentials({ client: stranger, path: ns })).response.status).toBe(401);
  });
});
