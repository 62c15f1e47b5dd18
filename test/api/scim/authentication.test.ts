import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cred from '../../../generated/credentials/sdk.gen.js';
import * as scim from '../../../generated/scim/sdk.gen.js';
import { as, bearerOf, createCredentialsUsers } from '../../support/credentials.js';
import { DATABASES } from '../../support/databases.js';
import { rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { startPeer } from '../../support/peer.js';
import { scimCaller, scimToken } from '../../support/scim.js';
import { must } from '../../support/simple-auth.js';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** Only the tenant's live SCIM token opens /scim/v2, on every instance at once; guesses spend the address's budget. */
describe.each(DATABASES)('SCIM authentication on %s', (kind) => {
  let gh: TestGatehouse;
  let second: TestGatehouse;

  beforeAll(async () => {
    const settings = { login: { maxFailuresPerIp: 6 } };
    gh = await startGatehouse(kind, { settings });
    // peers share a MariaDB store; on SQLite there is one instance
    second = kind === 'mysql' ? await startPeer(gh, settings) : gh;
    await createCredentialsUsers(gh);
  });
  afterAll(async () => {
    if (second !== gh) await second?.stop();
    await gh?.stop();
  });

  const status = async (instance: TestGatehouse, token?: string) => {
    const result = must(await scim.listScimUsers({ client: scimCaller(instance, token) }));
    return result.response.status;
  };

  it('answers 401 with WWW-Authenticate: Bearer to no token, a wrong one, an access token and an API token', async () => {
    const none = must(await scim.listScimUsers({ client: scimCaller(gh) }));
    expect(none.response.status).toBe(401);
    expect(none.response.headers.get('www-authenticate')).toBe('Bearer');
    expect(none.error).toEqual({ schemas: [ERROR], status: '401', detail: 'Request did not pass any authentication schemes' });
    const admin = await as(gh, 'admin');
    const apiToken = must(await cred.createApiCredential({ client: admin, path: { namespace: 'system' }, body: { name: 'admin-token', namespace: 'system', expiration_days: 2, spec: { type: 'API_TOKEN' } } })).data!.data;
    expect(await status(gh, apiToken)).toBe(401);
    expect(await status(gh, await bearerOf(gh, 'admin'))).toBe(401);
    // 401 comes before the contract: a stranger learns no request rules
    const unauthenticatedBadBody = must(await scim.createScimUser({ client: scimCaller(gh), body: {} as { userName: string } }));
    expect(unauthenticatedBadBody.response.status).toBe(401);
    await gh.runtime.kernel.guesses.release({ address: '127.0.0.1' });
  });

  it('takes a new token at once on every instance, and refuses the old, a revoked and an expired one', async () => {
    const first = await scimToken(gh);
    expect(await status(gh, first)).toBe(200);
    expect(await status(second, first)).toBe(200);
    const next = await scimToken(gh);
    expect(await status(second, first)).toBe(401);
    expect(await status(second, next)).toBe(200);

    const admin = await as(gh, 'admin');
    must(await cred.revokeScimToken({ client: admin, path: { namespace: 'system' }, body: { namespace: 'system' } }));
    expect(await status(second, next)).toBe(401);

    const expiring = must(await cred.recreateScimToken({ client: admin, path: { namespace: 'system' }, body: { expiration_days: 1 } })).data!.data;
    expect(await status(gh, expiring)).toBe(200);
    gh.clock.advance(86_400 + 60);
    expect(await status(second, expiring)).toBe(401);
    gh.clock.advance(-(86_400 + 60));
    await gh.runtime.kernel.guesses.release({ address: '127.0.0.1' });
  });

  it('spends the address guess budget on wrong tokens: past it, 429 with Retry-After, even for the right token', async () => {
    const right = await scimToken(gh);
    const failedBefore = (await rows(gh.runtime.db, 'login_attempts', { scope: 'ip', reason: 'unknown_scim_token' })).length;
    const wrong = Array.from({ length: 12 }, (_, i) => `ghk_${String(i).padStart(43, 'x')}`);
    const statuses = await Promise.all(wrong.map((t) => status(gh, t)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6);
    const refused = must(await scim.listScimUsers({ client: scimCaller(gh, right) }));
    expect(refused.response.status).toBe(429);
    expect(Number(refused.response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.error).toMatchObject({ schemas: [ERROR], status: '429' });
    // six checked, six audited as failed guesses for the address
    expect((await rows(gh.runtime.db, 'login_attempts', { scope: 'ip', reason: 'unknown_scim_token' })).length - failedBefore).toBe(6);
    await gh.runtime.kernel.guesses.release({ address: '127.0.0.1' });
    expect(await status(gh, right)).toBe(200);
  });

  it('stops working when the administrator who made it is deactivated', async () => {
    const token = await scimToken(gh);
    const admin = (await rows(gh.runtime.db, 'accounts', { username: 'admin' }))[0]!;
    // deprovisioning the token's maker (through the token itself) signs the token out with every credential of the account
    const patched = must(await scim.patchScimUser({ client: scimCaller(gh, token), path: { id: String(admin.uuid) }, body: { Operations: [{ op: 'replace', path: 'active', value: false }] } }));
    expect(patched.response.status).toBe(200);
    expect(await status(gh, token)).toBe(401);
  });
});
