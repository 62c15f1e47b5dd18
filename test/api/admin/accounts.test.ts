import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as admin from '../../../generated/admin/sdk.gen.js';
import * as cred from '../../../generated/credentials/sdk.gen.js';
import * as platform from '../../../generated/platform/sdk.gen.js';
import * as sa from '../../../generated/simple-auth/sdk.gen.js';
import { adminCaller } from '../../support/admin.js';
import { bearerOf, createCredentialsUsers, credentialsCaller } from '../../support/credentials.js';
import { DATABASES } from '../../support/databases.js';
import { rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { platformCaller } from '../../support/platform.js';
import { enrolTotp, must, simpleAuthCaller } from '../../support/simple-auth.js';

const PROBLEM = /^application\/problem\+json/;

/** The admin face's accounts, through its SDK: every operation, the database after it, its audit rows. */
describe.each(DATABASES)('admin accounts on %s', (kind) => {
  let gh: TestGatehouse;
  let client: ReturnType<typeof adminCaller>;

  beforeAll(async () => {
    gh = await startGatehouse(kind);
    await createCredentialsUsers(gh);
    client = adminCaller(gh, await bearerOf(gh, 'admin'));
  });
  afterAll(async () => gh?.stop());

  const auditOf = async (module: string) => (await rows(gh.runtime.db, 'audit_records', { module })).map((r) => String(r.message));

  it('refuses strangers (401) and non-administrators (403) before the body, in problem details', async () => {
    const none = must(await admin.adminCreateAccount({ client: adminCaller(gh), body: {} as { username: string } }));
    expect(none.response.status).toBe(401);
    expect(none.response.headers.get('content-type')).toMatch(PROBLEM);
    expect(none.response.headers.get('www-authenticate')).toBe('Bearer');
    expect(none.error).toEqual({ type: 'urn:gatehouse:problem:unauthenticated', title: 'Request did not pass any authentication schemes', status: 401, detail: 'Request did not pass any authentication schemes' });
    const dana = must(await admin.adminListAccounts({ client: adminCaller(gh, await bearerOf(gh, 'dana')) }));
    expect(dana.response.status).toBe(403);
    expect(dana.error).toMatchObject({ type: 'urn:gatehouse:problem:forbidden', status: 403, detail: 'administrator rights required' });
    const bad = must(await admin.adminCreateAccount({ client, body: { username: '' } }));
    expect(bad.response.status).toBe(400);
    expect(bad.error).toMatchObject({ type: 'urn:gatehouse:problem:validation_failed', status: 400, errors: [{ pointer: '/body/username', detail: expect.any(String) }] });
  });

  it('accepts an administrator API token as the bearer', async () => {
    const minted = must(await cred.createApiCredential({ client: credentialsCaller(gh, { bearer: await bearerOf(gh, 'admin') }), path: { namespace: 'system' }, body: { name: 'ops-token', spec: { type: 'API_TOKEN' } } }));
    const viaApiToken = must(await admin.adminGetAccount({ client: adminCaller(gh, minted.data!.data), path: { account: 'admin' } }));
    expect(viaApiToken.response.status).toBe(200);
    expect(viaApiToken.data).toMatchObject({ username: 'admin', is_admin: true });
  });

  it('creates, finds, pages, changes and deletes accounts', async () => {
    const created = must(await admin.adminCreateAccount({ client, body: { username: 'Frank', email: 'frank@example.com', password: 'frank-password-1', display_name: 'Frank Drebin', roles: ['viewer'] } }));
    expect(created.response.status).toBe(201);
    expect(created.data).toMatchObject({ username: 'frank', email: 'frank@example.com', display_name: 'Frank Drebin', roles: ['viewer'], active: true, is_admin: false, totp_enabled: false });
    const row = (await rows(gh.runtime.db, 'accounts', { username: 'frank' }))[0]!;
    expect(row.uuid).toBe(created.data!.id);
    expect(String(row.password_hash)).toMatch(/^\$2[aby]\$/);
    // the new account signs in on any face
    expect(must(await platform.localLogin({ client: platformCaller(gh).client, body: { username: 'frank', password: 'frank-password-1' } })).response.status).toBe(201);
    expect(await auditOf('admin')).toContain('Account created by admin');

    expect(must(await admin.adminCreateAccount({ client, body: { username: 'frank' } })).response.status).toBe(409);
    const unknownRole = must(await admin.adminCreateAccount({ client, body: { username: 'gina', roles: ['wizard'] } }));
    expect(unknownRole.error).toMatchObject({ status: 400, detail: 'unknown role: wizard' });

    const byQ = must(await admin.adminListAccounts({ client, query: { q: 'DREBIN' } }));
    expect(byQ.data).toMatchObject({ total: 1, offset: 0, limit: 50, items: [{ username: 'frank' }] });
    const page = must(await admin.adminListAccounts({ client, query: { offset: 1, limit: 2 } }));
    expect(page.data!.items.map((a) => a.username)).toEqual(['dana', 'erin']);
    expect(page.data!.total).toBe(4);
    expect(must(await admin.adminListAccounts({ client, query: { role: 'viewer' } })).data!.items.map((a) => a.username)).toEqual(['frank']);
    expect(must(await admin.adminGetAccount({ client, path: { account: created.data!.id } })).data!.username).toBe('frank');
    expect(must(await admin.adminGetAccount({ client, path: { account: 'nobody' } })).response.status).toBe(404);

    const promoted = must(await admin.adminUpdateAccount({ client, path: { account: 'frank' }, body: { roles: ['admin'], display_name: 'Lt. Frank Drebin' } }));
    expect(promoted.data).toMatchObject({ roles: ['admin'], display_name: 'Lt. Frank Drebin' });
    expect(await rows(gh.runtime.db, 'account_roles', { account_id: row.id }, 'role')).toMatchObject([{ role: 'admin' }]);

    expect(must(await admin.adminDeleteAccount({ client, path: { account: 'frank' } })).response.status).toBe(204);
    expect(await rows(gh.runtime.db, 'accounts', { username: 'frank' })).toEqual([]);
    expect(must(await admin.adminDeleteAccount({ client, path: { account: 'frank' } })).response.status).toBe(404);
  });

  it('deactivates an account and signs it out everywhere; refuses to deactivate or delete itself', async () => {
    const erinToken = await bearerOf(gh, 'erin');
    const erinApi = must(await cred.createApiCredential({ client: credentialsCaller(gh, { bearer: erinToken }), path: { namespace: 'system' }, body: { name: 'erin-token', spec: { type: 'API_TOKEN' } } })).data!.data;
    const off = must(await admin.adminUpdateAccount({ client, path: { account: 'erin' }, body: { active: false } }));
    expect(off.data).toMatchObject({ active: false });
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(gh, { bearer: erinToken }), path: { namespace: 'system' } })).response.status).toBe(401);
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(gh, { apiToken: erinApi }), path: { namespace: 'system' } })).response.status).toBe(401);
    expect(await auditOf('admin')).toEqual(expect.arrayContaining([expect.stringMatching(/^Account deactivated \(active\) by admin$/)]));
    must(await admin.adminUpdateAccount({ client, path: { account: 'erin' }, body: { active: true } }));

    for (const result of [await admin.adminUpdateAccount({ client, path: { account: 'admin' }, body: { active: false } }), await admin.adminDeleteAccount({ client, path: { account: 'admin' } })]) {
      expect(must(result).response.status).toBe(409);
    }
    expect((await rows(gh.runtime.db, 'accounts', { username: 'admin' }))[0]!.active).toBeTruthy();
  });

  it('resets a second factor and signs an account out of every session', async () => {
    const browser = await simpleAuthCaller(gh);
    must(await sa.createSession({ client: browser.client, body: { username: 'dana', password: 'dana-password' } }));
    await enrolTotp(gh, browser);
    expect(must(await admin.adminGetAccount({ client, path: { account: 'dana' } })).data!.totp_enabled).toBe(true);

    expect(must(await admin.adminSignOutAccount({ client, path: { account: 'dana' } })).response.status).toBe(204);
    expect(must(await sa.getAccount({ client: browser.client })).response.status).toBe(401);

    expect(must(await admin.adminResetSecondFactor({ client, path: { account: 'dana' } })).response.status).toBe(204);
    expect((await rows(gh.runtime.db, 'accounts', { username: 'dana' }))[0]!.totp_secret).toBeNull();
    // the password alone signs in again
    expect(must(await platform.localLogin({ client: platformCaller(gh).client, body: { username: 'dana', password: 'dana-password' } })).response.status).toBe(201);
    expect(must(await admin.adminResetSecondFactor({ client, path: { account: 'dana' } })).response.status).toBe(400);
  });
});
