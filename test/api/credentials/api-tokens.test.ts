import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cred from '../../../generated/credentials/sdk.gen.js';
import * as platform from '../../../generated/platform/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { accountRow, auditMessages, rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { as, credentialsCaller, createCredentialsUsers, reasonOf } from '../../support/credentials.js';
import { platformCaller } from '../../support/platform.js';
import { must } from '../../support/simple-auth.js';
import { createHash } from 'node:crypto';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const DAY = 86_400;

describe.each(DATABASES)('credentials API tokens on %s', (kind) => {
  let gh: TestGatehouse;

  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { credentials: { tenant: 'acme' } } });
    await createCredentialsUsers(gh);
  });
  afterAll(async () => gh?.stop());

  const ns = { namespace: 'system' };

  it('creates an API token shown once, stored as SHA-256, that authenticates here and as X-API-Key until it expires', async () => {
    let user = await as(gh, 'dana');
    const created = must(await cred.createApiCredential({ client: user, path: ns, body: { name: 'ci-deploy-token', namespace: 'system', expiration_days: 2, spec: { type: 'API_TOKEN' } } }));
    expect(created.response.status).toBe(200);
    expect(created.response.headers.get('cache-control')).toBe('no-store');
    const token = created.data!.data;
    expect(token).toMatch(/^ghk_[A-Za-z0-9_-]{43}$/);
    expect(created.data).toMatchObject({ name: 'ci-deploy-token', active: true });
    expect(Date.parse(created.data!.expiration_timestamp) - gh.clock.now().getTime()).toBeGreaterThan(2 * DAY * 1000 - 2000);

    const dana = await accountRow(gh.runtime.db, 'dana');
    const [row] = await rows(gh.runtime.db, 'api_credentials', { name: 'ci-deploy-token' });
    expect(row).toMatchObject({ type: 'API_TOKEN', family: 'user', namespace: 'system', account_id: dana!.id, token_hash: sha256(token) });
    expect(JSON.stringify(await rows(gh.runtime.db, 'api_credentials'))).not.toContain(token);
    expect(await auditMessages(gh.runtime.db, Number(dana!.id))).toContain('CREDENTIAL_CREATED API_TOKEN system/ci-deploy-token');

    // The token is an APIToken on this face…
    const viaToken = must(await cred.listApiCredentials({ client: credentialsCaller(gh, { apiToken: token }), path: ns }));
    expect(viaToken.response.status).toBe(200);
    expect(viaToken.data!.items).toEqual([
      { name: 'ci-deploy-token', namespace: 'system', uid: row!.uuid, type: 'API_TOKEN', active: true, create_timestamp: expect.any(String), expiry_timestamp: created.data!.expiration_timestamp, user_email: 'dana@example.com' },
    ]);
    // …and an X-API-Key on the platform face (dana is no admin there: authenticated, then 403).
    expect(must(await platform.getOidcProvider({ client: platformCaller(gh, { apiKey: token }).client })).response.status).toBe(403);

    gh.clock.advance(2 * DAY + 1);
    user = await as(gh, 'dana');
    const expired = must(await cred.listApiCredentials({ client: credentialsCaller(gh, { apiToken: token }), path: ns }));
    expect(expired.response.status).toBe(401);
    expect(expired.response.headers.get('www-authenticate')).toBe('APIToken');
    expect(expired.error).toEqual({ code: 16, message: 'Request did not pass any authentication schemes', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'UNAUTHENTICATED', domain: 'gatehouse' }] });
    expect(must(await platform.getOidcProvider({ client: platformCaller(gh, { apiKey: token }).client })).response.status).toBe(401);
    const listed = must(await cred.listApiCredentials({ client: user, path: ns }));
    expect(listed.data!.items[0]).toMatchObject({ name: 'ci-deploy-token', active: false });

    // Activate alone leaves it expired; renew brings it back (F5's terraform: Activate, then Renew).
    expect(must(await cred.activateApiCredential({ client: user, path: ns, body: { name: 'ci-deploy-token', namespace: 'system' } })).data).toEqual({ status: true });
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(gh, { apiToken: token }), path: ns })).response.status).toBe(401);
    expect(must(await cred.renewApiCredential({ client: user, path: ns, body: { name: 'ci-deploy-token', namespace: 'system', expiration_days: 30 } })).data).toEqual({ status: true });
    const [renewed] = await rows(gh.runtime.db, 'api_credentials', { name: 'ci-deploy-token' });
    expect(new Date(renewed!.expires_at as string | number | Date).getTime() || Number(renewed!.expires_at)).toBeGreaterThan(gh.clock.now().getTime() + 29 * DAY * 1000);
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(gh, { apiToken: token }), path: ns })).response.status).toBe(200);
    expect(must(await platform.getOidcProvider({ client: platformCaller(gh, { apiKey: token }).client })).response.status).toBe(403);
    expect(await auditMessages(gh.runtime.db, Number(dana!.id))).toEqual(expect.arrayContaining(['CREDENTIAL_ACTIVATED API_TOKEN system/ci-deploy-token', expect.stringMatching(/^CREDENTIAL_RENEWED API_TOKEN system\/ci-deploy-token until /)]));

    // A disabled row (another instance, an operator) stops it at once.
    await gh.runtime.db('api_credentials').where({ name: 'ci-deploy-token' }).update({ enabled: false });
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(gh, { apiToken: token }), path: ns })).response.status).toBe(401);
    const got = must(await cred.getApiCredential({ client: user, path: { namespace: 'system', name: 'ci-deploy-token' } }));
    expect(got.data!.object.metadata.disable).toBe(true);
    expect(got.data!.object.spec.gc_spec.active).toBe(false);
    must(await cred.activateApiCredential({ client: user, path: ns, body: { name: 'ci-deploy-token', namespace: 'system' } }));
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(gh, { apiToken: token }), path: ns })).response.status).toBe(200);

    // Revoke: deleted, 401 on both faces, a second revoke is a 404.
    expect(must(await cred.revokeApiCredential({ client: user, path: ns, body: { name: 'ci-deploy-token', namespace: 'system' } })).data).toEqual({ status: true });
    expect(await rows(gh.runtime.db, 'api_credentials', { name: 'ci-deploy-token' })).toEqual([]);
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(gh, { apiToken: token }), path: ns })).response.status).toBe(401);
    expect(must(await platform.getOidcProvider({ client: platformCaller(gh, { apiKey: token }).client })).response.status).toBe(401);
    const again = must(await cred.revokeApiCredential({ client: user, path: ns, body: { name: 'ci-deploy-token', namespace: 'system' } }));
    expect(again.response.status).toBe(404);
    expect(again.error).toEqual({
      code: 5,
      message: 'api credential "ci-deploy-token" not found in namespace "system"',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'CREDENTIAL_NOT_FOUND', domain: 'gatehouse' }],
    });
    expect(await auditMessages(gh.runtime.db, Number(dana!.id))).toContain('CREDENTIAL_REVOKED API_TOKEN system/ci-deploy-token');
  });

  it('gets a credential without its secret, hides other accounts\' credentials, and lets an administrator see them', async () => {
    const user = await as(gh, 'dana');
    const created = must(await cred.createApiCredential({ client: user, path: ns, body: { name: 'reader', spec: { type: 'API_TOKEN' } } }));
    const token = created.data!.data;
    // default expiry: 10 days
    expect(Date.parse(created.data!.expiration_timestamp) - gh.clock.now().getTime()).toBeGreaterThan(10 * DAY * 1000 - 2000);
    const dana = await accountRow(gh.runtime.db, 'dana');
    const got = must(await cred.getApiCredential({ client: user, path: { namespace: 'system', name: 'reader' } }));
    expect(got.response.status).toBe(200);
    expect(JSON.stringify(got.data)).not.toContain(token);
    expect(got.data!.object).toMatchObject({
      metadata: { name: 'reader', namespace: 'system', labels: {}, annotations: {}, description: '', disable: false },
      system_metadata: { deletion_timestamp: null, creator_id: 'dana@example.com', creator_class: 'gatehouse', tenant: 'acme', finalizers: [] },
      spec: { gc_spec: { type: 'API_TOKEN', active: true, digest: createHash('sha1').update(token).digest('hex'), users: [{ kind: 'user', name: 'dana@example.com', namespace: 'system', tenant: 'acme', uid: dana!.uuid }] } },
    });

    const erin = await as(gh, 'erin');
    const hidden = must(await cred.getApiCredential({ client: erin, path: { namespace: 'system', name: 'reader' } }));
    expect(hidden.response.status).toBe(404);
    expect(reasonOf(hidden.error)).toBe('CREDENTIAL_NOT_FOUND');
    expect(must(await cred.listApiCredentials({ client: erin, path: ns })).data).toEqual({ items: [] });
    expect(must(await cred.revokeApiCredential({ client: erin, path: ns, body: { name: 'reader', namespace: 'system' } })).response.status).toBe(404);
    expect(must(await cred.renewApiCredential({ client: erin, path: ns, body: { name: 'reader', namespace: 'system' } })).response.status).toBe(404);

    const admin = await as(gh, 'admin');
    expect(must(await cred.getApiCredential({ client: admin, path: { namespace: 'system', name: 'reader' } })).response.status).toBe(200);
    // the administrator's own list holds only its own credentials
    expect(must(await cred.listApiCredentials({ client: admin, path: ns })).data!.items.map((i) => i.name)).not.toContain('reader');
    must(await cred.revokeApiCredential({ client: admin, path: ns, body: { name: 'reader', namespace: 'system' } }));
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(gh, { apiToken: token }), path: ns })).response.status).toBe(401);
  });

  it('refuses a taken name (409), unknown namespaces (404), mismatched namespaces and bad bodies (400), and no credentials (401)', async () => {
    const user = await as(gh, 'dana');
    must(await cred.createApiCredential({ client: user, path: ns, body: { name: 'dup', spec: { type: 'API_TOKEN' } } }));
    const dup = must(await cred.createApiCredential({ client: user, path: ns, body: { name: 'dup', spec: { type: 'API_TOKEN' } } }));
    expect(dup.response.status).toBe(409);
    expect(dup.error).toMatchObject({ code: 6, message: 'a credential named "dup" already exists in namespace "system"' });
    expect(reasonOf(dup.error)).toBe('CREDENTIAL_EXISTS');
    // names are unique per namespace, across accounts
    expect(must(await cred.createApiCredential({ client: await as(gh, 'erin'), path: ns, body: { name: 'dup', spec: { type: 'API_TOKEN' } } })).response.status).toBe(409);

    const unknownNs = must(await cred.listApiCredentials({ client: user, path: { namespace: 'payments' } }));
    expect(unknownNs.response.status).toBe(404);
    expect(unknownNs.error).toMatchObject({ code: 5, message: 'namespace "payments" not found' });
    expect(reasonOf(unknownNs.error)).toBe('NAMESPACE_NOT_FOUND');
    expect(must(await cred.createApiCredential({ client: user, path: { namespace: 'payments' }, body: { name: 'x', spec: { type: 'API_TOKEN' } } })).response.status).toBe(404);

    const mismatch = must(await cred.createApiCredential({ client: user, path: ns, body: { name: 'other-ns', namespace: 'payments', spec: { type: 'API_TOKEN' } } }));
    expect(mismatch.response.status).toBe(400);
    expect(reasonOf(mismatch.error)).toBe('NAMESPACE_MISMATCH');
    expect(mismatch.error).toMatchObject({ code: 3, details: expect.arrayContaining([{ '@type': 'type.googleapis.com/google.rpc.BadRequest', field_violations: [{ field: 'namespace', description: 'must be "system"' }] }]) });

    const badName = must(await cred.createApiCredential({ client: user, path: ns, body: { name: 'Not_DNS', spec: { type: 'API_TOKEN' } } }));
    expect(badName.response.status).toBe(400);
    expect(badName.error).toMatchObject({ code: 3 });
    expect(reasonOf(badName.error)).toBe('VALIDATION_FAILED');
    const tooLong = must(await cred.createApiCredential({ client: user, path: ns, body: { name: 'long', expiration_days: 366, spec: { type: 'API_TOKEN' } } }));
    expect(tooLong.response.status).toBe(400);

    const anonymous = must(await cred.listApiCredentials({ client: credentialsCaller(gh), path: ns }));
    expect(anonymous.response.status).toBe(401);
    expect(reasonOf(anonymous.error)).toBe('UNAUTHENTICATED');
    const wrongScheme = must(await cred.listApiCredentials({ client: credentialsCaller(gh, { authorization: 'Token ghk_x' }), path: ns }));
    expect(wrongScheme.response.status).toBe(401);
    // 401 comes before validation: strangers learn no request rules
    const strangerBad = must(await cred.createApiCredential({ client: credentialsCaller(gh), path: ns, body: { name: 'Not_DNS' } as never }));
    expect(strangerBad.response.status).toBe(401);
  });

  it('bulk revokes by name with partial success, and expired credentials of the caller only', async () => {
    const user = await as(gh, 'dana');
    const erin = await as(gh, 'erin');
    const a = must(await cred.createApiCredential({ client: user, path: ns, body: { name: 'bulk-a', spec: { type: 'API_TOKEN' } } })).data!.data;
    must(await cred.createApiCredential({ client: user, path: ns, body: { name: 'bulk-b', spec: { type: 'API_TOKEN' } } }));
    must(await cred.createApiCredential({ client: erin, path: ns, body: { name: 'erin-token', spec: { type: 'API_TOKEN' } } }));

    const result = must(await cred.bulkRevokeApiCredentials({ client: user, body: { name_selector: { names: ['bulk-a', 'bulk-b', 'erin-token', 'missing-token'] } } }));
    expect(result.response.status).toBe(200);
    expect(result.data).toEqual({ credentials_marked_for_deletion: ['bulk-a', 'bulk-b'], credentials_failed: ['erin-token', 'missing-token'], error_message: '2 credentials not found: erin-token, missing-token' });
    expect(await rows(gh.runtime.db, 'api_credentials', { name: 'erin-token' })).toHaveLength(1);
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(gh, { apiToken: a }), path: ns })).response.status).toBe(401);

    // expired selector: each caller's own, optionally by type
    must(await cred.createApiCredential({ client: user, path: ns, body: { name: 'short-lived', expiration_days: 1, spec: { type: 'API_TOKEN' } } }));
    must(await cred.createApiCredential({ client: erin, path: ns, body: { name: 'erin-short', expiration_days: 1, spec: { type: 'API_TOKEN' } } }));
    gh.clock.advance(DAY + 1);
    const userNow = await as(gh, 'dana');
    const none = must(await cred.bulkRevokeApiCredentials({ client: userNow, body: { expired_selector: { credential_type: 'API_CERTIFICATE' } } }));
    expect(none.data).toEqual({ credentials_marked_for_deletion: [], credentials_failed: [], error_message: '' });
    const expired = must(await cred.bulkRevokeApiCredentials({ client: userNow, body: { expired_selector: { all: {} } } }));
    expect(expired.data!.credentials_marked_for_deletion).toContain('short-lived');
    expect(expired.data!.credentials_marked_for_deletion).not.toContain('erin-short');
    expect(await rows(gh.runtime.db, 'api_credentials', { name: 'erin-short' })).toHaveLength(1);
    // an administrator's expired selector reaches every account
    const adminRun = must(await cred.bulkRevokeApiCredentials({ client: await as(gh, 'admin'), body: { expired_selector: { credential_type: 'API_TOKEN' } } }));
    expect(adminRun.data!.credentials_marked_for_deletion).toContain('erin-short');

    const both = must(await cred.bulkRevokeApiCredentials({ client: userNow, body: { name_selector: { names: ['x'] }, expired_selector: { all: {} } } as never }));
    expect(both.response.status).toBe(400);
    expect(reasonOf(both.error)).toBe('VALIDATION_FAILED');
    const neither = must(await cred.bulkRevokeApiCredentials({ client: userNow, body: {} as never }));
    expect(neither.response.status).toBe(400);
    const dana = await accountRow(gh.runtime.db, 'dana');
    expect((await auditMessages(gh.runtime.db, Number(dana!.id))).filter((m) => m.includes('(bulk, by dana@example.com)'))).toHaveLength(3);
  });

  it('refuses an API token whose account is deactivated', async () => {
    const user = await as(gh, 'erin');
    const token = must(await cred.createApiCredential({ client: user, path: ns, body: { name: 'erin-ci', spec: { type: 'API_TOKEN' } } })).data!.data;
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(gh, { apiToken: token }), path: ns })).response.status).toBe(200);
    await gh.runtime.db('accounts').where({ username: 'erin' }).update({ active: false });
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(gh, { apiToken: token }), path: ns })).response.status).toBe(401);
    await gh.runtime.db('accounts').where({ username: 'erin' }).update({ active: true });
  });
});
