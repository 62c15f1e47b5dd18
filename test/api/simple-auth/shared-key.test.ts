import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../generated/simple-auth/client/index.js';
import * as sa from '../../../generated/simple-auth/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { BrowserLikeClient } from '../../support/http.js';
import { must, simpleAuthCaller } from '../../support/simple-auth.js';

const SECRET = 'trusted-backend-secret-0123456789';

describe.each(DATABASES)('simple-auth SharedKey + X-Account-UUID for trusted back ends on %s', (kind) => {
  let gh: TestGatehouse;
  let accountId: string;
  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { sharedKey: { enabled: true, secret: SECRET } } });
    const { client } = await simpleAuthCaller(gh);
    accountId = must(await sa.createAccount({ client, body: { username: 'backend.user', email: 'be@example.com', password: 'backend-password' } })).data!.id;
  });
  afterAll(async () => gh?.stop());

  // A back end has no browser: no cookies, no CSRF token.
  const backend = (headers: Record<string, string>) => {
    const http = new BrowserLikeClient();
    http.csrf = false;
    return createClient({ baseUrl: `${gh.url}/api/v1`, fetch: http.fetch, headers });
  };

  it('acts for the named account without CSRF, and never needs the old password', async () => {
    const client = backend({ Authorization: `SharedKey ${SECRET}`, 'X-Account-UUID': accountId });
    const me = must(await sa.getAccount({ client }));
    expect(me.response.status).toBe(200);
    expect(me.data).toMatchObject({ id: accountId, auth: { local: { requireOldPassword: false } } });
    const changed = must(await sa.changePassword({ client, body: { newpassword: 'backend-password-2' } }));
    expect(changed.response.status).toBe(200);
  });

  it('refuses a missing account header, an unknown account and a wrong secret', async () => {
    const noAccount = must(await sa.getAccount({ client: backend({ Authorization: `SharedKey ${SECRET}` }) }));
    expect(noAccount.response.status).toBe(401);
    expect(noAccount.error).toMatchObject({ reason: 'unauthorized', message: 'Unable to authenticate: missing x-account-uuid header' });
    const unknown = must(await sa.getAccount({ client: backend({ Authorization: `SharedKey ${SECRET}`, 'X-Account-UUID': '00000000-0000-4000-8000-000000000000' }) }));
    expect(unknown.response.status).toBe(401);
    const wrong = must(await sa.getAccount({ client: backend({ Authorization: 'SharedKey not-the-secret', 'X-Account-UUID': accountId }) }));
    expect(wrong.response.status).toBe(401);
    // On a public call a wrong secret falls through to the browser rules: CSRF refuses it.
    const check = must(await sa.checkUsername({ client: backend({ Authorization: 'SharedKey not-the-secret' }), body: { username: 'x' } }));
    expect(check.response.status).toBe(403);
    const allowed = must(await sa.checkUsername({ client: backend({ Authorization: `SharedKey ${SECRET}` }), body: { username: 'backend.user' } }));
    expect(allowed.data).toEqual({ username: 'backend.user', exists: true });
  });
});
