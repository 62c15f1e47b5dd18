import { randomUUID } from 'node:crypto';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cred from '../../../generated/credentials/sdk.gen.js';
import * as platform from '../../../generated/platform/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { accountRow, auditMessages, rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { as, credentialsCaller, createCredentialsUsers, openP12, reasonOf } from '../../support/credentials.js';
import { platformCaller } from '../../support/platform.js';
import { must } from '../../support/simple-auth.js';

const DAY = 86_400;
const ns = { namespace: 'system' };

describe.each(DATABASES)('credentials service credentials on %s', (kind) => {
  let gh: TestGatehouse;

  beforeAll(async () => {
    gh = await startGatehouse(kind);
    await createCredentialsUsers(gh);
    await gh.runtime.db('namespaces').insert({ name: 'payments', created_at: new Date() });
    await gh.runtime.db('organizations').insert({ uuid: randomUUID(), name: 'release-engineering', created_at: new Date() });
  });
  afterAll(async () => gh?.stop());

  it('creates a service API token with its own service account, lists, gets, replaces, renews, activates and revokes it', async () => {
    let admin = await as(gh, 'admin');
    const created = must(
      await cred.createServiceCredential({
        client: admin,
        path: ns,
        body: {
          name: 'build-agent',
          namespace: 'system',
          expiration_days: 2,
          type: 'SERVICE_API_TOKEN',
          api_token: {},
          namespace_roles: [
            { namespace: 'system', role: 'viewer' },
            { namespace: 'payments', role: 'admin' },
          ],
          user_group_names: ['release-engineering'],
        },
      }),
    );
    expect(created.response.status).toBe(200);
    expect(created.response.headers.get('cache-control')).toBe('no-store');
    expect(created.data).toMatchObject({ name: 'build-agent', active: true });
    const token = created.data!.data;
    expect(token).toMatch(/^ghk_[A-Za-z0-9_-]{43}$/);

    const service = await accountRow(gh.runtime.db, 'build-agent@system.service.invalid');
    expect(service).toMatchObject({ email: 'build-agent@system.service.invalid', password_hash: null, is_admin: expect.anything() });
    const [row] = await rows(gh.runtime.db, 'api_credentials', { name: 'build-agent', family: 'service' });
    expect(row).toMatchObject({ type: 'SERVICE_API_TOKEN', account_id: service!.id });
    expect(JSON.stringify(row)).not.toContain(token);
    const adminRow = await accountRow(gh.runtime.db, 'admin');
    expect(await auditMessages(gh.runtime.db, Number(adminRow!.id))).toContain('SERVICE_CREDENTIAL_CREATED SERVICE_API_TOKEN system/build-agent');

    const expected = {
      name: 'build-agent',
      namespace: 'system',
      uid: row!.uuid,
      type: 'SERVICE_API_TOKEN',
      active: true,
      create_timestamp: expect.any(String),
      expiry_timestamp: created.data!.expiration_timestamp,
      user_email: 'build-agent@system.service.invalid',
      user_group_names: ['release-engineering'],
      namespace_access: { namespace_role_map: { system: { names: ['viewer'] }, payments: { names: ['admin'] } } },
    };
    expect(must(await cred.listServiceCredentials({ client: admin, path: ns })).data).toEqual({ items: [expected] });
    const unknownNs = must(await cred.listServiceCredentials({ client: admin, path: { namespace: 'no-such-ns' } }));
    expect([unknownNs.response.status, reasonOf(unknownNs.error)]).toEqual([404, 'NAMESPACE_NOT_FOUND']);
    expect(must(await cred.getServiceCredential({ client: admin, path: { namespace: 'system', name: 'build-agent' } })).data).toEqual(expected);
    // service credentials are not in the caller's own list
    expect(must(await cred.listApiCredentials({ client: admin, path: ns })).data!.items.map((i) => i.name)).not.toContain('build-agent');

    // The service token authenticates (a viewer in system: no administrator) and cannot mint credentials.
    const asService = credentialsCaller(gh, { apiToken: token });
    const listAsService = must(await cred.listServiceCredentials({ client: asService, path: ns }));
    expect(listAsService.response.status).toBe(403);
    expect(reasonOf(listAsService.error)).toBe('ADMIN_REQUIRED');
    expect(must(await cred.listApiCredentials({ client: asService, path: ns })).data).toEqual({ items: [] });
    const mint = must(await cred.createApiCredential({ client: asService, path: ns, body: { name: 'sneaky', spec: { type: 'API_TOKEN' } } }));
    expect(mint.response.status).toBe(403);
    expect(mint.error).toMatchObject({ code: 7, message: 'service accounts may not create, activate or renew credentials' });
    expect(reasonOf(mint.error)).toBe('SERVICE_ACCOUNT_FORBIDDEN');
    expect(must(await platform.getOidcProvider({ client: platformCaller(gh, { apiKey: token }).client })).response.status).toBe(403);

    // Replace: roles and groups only; admin in system makes the service account an administrator at its next request.
    const replaced = must(
      await cred.replaceServiceCredential({
        client: admin,
        path: { namespace: 'system', name: 'build-agent' },
        body: { name: 'build-agent', namespace: 'system', namespace_access: { namespace_role_map: { '*': { names: ['admin'] } } } },
      }),
    );
    expect(replaced.data).toEqual({ name: 'build-agent', active: true, expiration_timestamp: created.data!.expiration_timestamp });
    const after = must(await cred.getServiceCredential({ client: admin, path: { namespace: 'system', name: 'build-agent' } }));
    expect(after.data).toMatchObject({ user_group_names: [], namespace_access: { namespace_role_map: { '*': { names: ['admin'] } } } });
    expect(must(await cred.listServiceCredentials({ client: asService, path: ns })).response.status).toBe(200);
    // …but still may not create, activate or renew
    expect(reasonOf(must(await cred.renewServiceCredential({ client: asService, path: ns, body: { name: 'build-agent', namespace: 'system' } })).error)).toBe('SERVICE_ACCOUNT_FORBIDDEN');
    expect(reasonOf(must(await cred.activateServiceCredential({ client: asService, path: ns, body: { name: 'build-agent', namespace: 'system' } })).error)).toBe('SERVICE_ACCOUNT_FORBIDDEN');
    expect(reasonOf(must(await cred.createServiceCredential({ client: asService, path: ns, body: { name: 'child', type: 'SERVICE_API_TOKEN' } })).error)).toBe('SERVICE_ACCOUNT_FORBIDDEN');

    // expiry, renew, activate
    gh.clock.advance(2 * DAY + 1);
    admin = await as(gh, 'admin');
    expect(must(await cred.listApiCredentials({ client: asService, path: ns })).response.status).toBe(401);
    expect(must(await cred.getServiceCredential({ client: admin, path: { namespace: 'system', name: 'build-agent' } })).data!.active).toBe(false);
    expect(must(await cred.activateServiceCredential({ client: admin, path: ns, body: { name: 'build-agent', namespace: 'system' } })).data).toEqual({ status: true });
    expect(must(await cred.renewServiceCredential({ client: admin, path: ns, body: { name: 'build-agent', namespace: 'system', expiration_days: 90 } })).data).toEqual({ status: true });
    expect(must(await cred.listApiCredentials({ client: asService, path: ns })).response.status).toBe(200);
    expect(must(await cred.getServiceCredential({ client: admin, path: { namespace: 'system', name: 'build-agent' } })).data!.active).toBe(true);

    // revoke: the credential and its service account go, the token stops at once
    expect(must(await cred.revokeServiceCredential({ client: admin, path: ns, body: { name: 'build-agent', namespace: 'system' } })).data).toEqual({ status: true });
    expect(await rows(gh.runtime.db, 'api_credentials', { name: 'build-agent' })).toEqual([]);
    expect(await accountRow(gh.runtime.db, 'build-agent@system.service.invalid')).toBeUndefined();
    expect(must(await cred.listApiCredentials({ client: asService, path: ns })).response.status).toBe(401);
    const gone = must(await cred.revokeServiceCredential({ client: admin, path: ns, body: { name: 'build-agent', namespace: 'system' } }));
    expect(gone.response.status).toBe(404);
    expect(gone.error).toMatchObject({ code: 5, message: 'service credential "build-agent" not found in namespace "system"' });
    expect(await auditMessages(gh.runtime.db, Number(adminRow!.id))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^SERVICE_CREDENTIAL_REPLACED SERVICE_API_TOKEN system\/build-agent roles=\*:admin groups=$/),
        'SERVICE_CREDENTIAL_ACTIVATED SERVICE_API_TOKEN system/build-agent',
        expect.stringMatching(/^SERVICE_CREDENTIAL_RENEWED SERVICE_API_TOKEN system\/build-agent until /),
        'SERVICE_CREDENTIAL_REVOKED SERVICE_API_TOKEN system/build-agent',
      ]),
    );
  });

  it('issues service certificates and kubeconfigs, with the choice fields or the legacy ones', async () => {
    const admin = await as(gh, 'admin');
    const cert = must(await cred.createServiceCredential({ client: admin, path: ns, body: { name: 'nightly-backup', type: 'SERVICE_API_CERTIFICATE', api_certificate: { password: 'b4ckup-Vault' }, namespace_roles: [{ namespace: '*', role: 'viewer' }] } }));
    expect(cert.response.status).toBe(200);
    const { certs } = openP12(cert.data!.data, 'b4ckup-Vault');
    expect(certs.some((c: forge.pki.Certificate) => c.subject.getField('CN')?.value === 'nightly-backup@system.service.invalid')).toBe(true);
    const legacy = must(await cred.createServiceCredential({ client: admin, path: ns, body: { name: 'legacy-cert', type: 'SERVICE_API_CERTIFICATE', password: 'legacy-pass' } }));
    expect(legacy.response.status).toBe(200);
    const noPassword = must(await cred.createServiceCredential({ client: admin, path: ns, body: { name: 'no-pass', type: 'SERVICE_API_CERTIFICATE' } }));
    expect(reasonOf(noPassword.error)).toBe('PASSWORD_REQUIRED');

    const site = must(await cred.createServiceCredential({ client: admin, path: ns, body: { name: 'edge-site-ops', type: 'SERVICE_SITE_GLOBAL_KUBE_CONFIG', site_kubeconfig: { site: 'fra-edge-01' } } }));
    expect(site.response.status).toBe(200);
    expect(Buffer.from(site.data!.data, 'base64').toString('utf8')).toContain('name: fra-edge-01');
    const vk8s = must(await cred.createServiceCredential({ client: admin, path: ns, body: { name: 'vk8s-ops', type: 'SERVICE_KUBE_CONFIG', vk8s_kubeconfig: { vk8s_cluster_name: 'prod-vk8s', vk8s_namespace: 'payments' } } }));
    expect(vk8s.response.status).toBe(200);
    expect(must(await cred.getServiceCredential({ client: admin, path: { namespace: 'system', name: 'vk8s-ops' } })).data!.type).toBe('SERVICE_KUBE_CONFIG');

    const renewCert = must(await cred.renewServiceCredential({ client: admin, path: ns, body: { name: 'nightly-backup', namespace: 'system' } }));
    expect(renewCert.response.status).toBe(400);
    expect(reasonOf(renewCert.error)).toBe('RENEW_NOT_SUPPORTED');

    const mismatch = must(await cred.createServiceCredential({ client: admin, path: ns, body: { name: 'mixed', type: 'SERVICE_API_TOKEN', api_certificate: { password: 'abcdefgh' } } }));
    expect(mismatch.response.status).toBe(400);
    const two = must(await cred.createServiceCredential({ client: admin, path: ns, body: { name: 'two', type: 'SERVICE_API_TOKEN', api_token: {}, site_kubeconfig: { site: 'x' } } }));
    expect(two.response.status).toBe(400);
    expect(await accountRow(gh.runtime.db, 'two@system.service.invalid')).toBeUndefined();
  });

  it('validates grants and groups, refuses non-administrators, and bulk revokes', async () => {
    const admin = await as(gh, 'admin');
    const bad = async (body: Parameters<typeof cred.createServiceCredential>[0]['body']) => must(await cred.createServiceCredential({ client: admin, path: ns, body }));
    expect(reasonOf((await bad({ name: 'x1', type: 'SERVICE_API_TOKEN', namespace_roles: [{ namespace: 'nowhere', role: 'viewer' }] })).error)).toBe('UNKNOWN_NAMESPACE');
    expect(reasonOf((await bad({ name: 'x2', type: 'SERVICE_API_TOKEN', namespace_roles: [{ namespace: 'system', role: 'wizard' }] })).error)).toBe('UNKNOWN_ROLE');
    expect(reasonOf((await bad({ name: 'x3', type: 'SERVICE_API_TOKEN', user_group_names: ['no-such-org'] })).error)).toBe('UNKNOWN_GROUP');
    expect(reasonOf((await bad({ name: 'x4', namespace: 'payments', type: 'SERVICE_API_TOKEN' })).error)).toBe('NAMESPACE_MISMATCH');
    must(await cred.createServiceCredential({ client: admin, path: ns, body: { name: 'svc-one', type: 'SERVICE_API_TOKEN' } }));
    const dup = await bad({ name: 'svc-one', type: 'SERVICE_API_TOKEN' });
    expect(dup.response.status).toBe(409);
    expect(reasonOf(dup.error)).toBe('CREDENTIAL_EXISTS');
    // a service credential lives in another namespace too
    expect((await must(await cred.createServiceCredential({ client: admin, path: { namespace: 'payments' }, body: { name: 'svc-one', type: 'SERVICE_API_TOKEN' } }))).response.status).toBe(200);
    expect(await accountRow(gh.runtime.db, 'svc-one@payments.service.invalid')).toBeDefined();

    const replaceWrongName = must(await cred.replaceServiceCredential({ client: admin, path: { namespace: 'system', name: 'svc-one' }, body: { name: 'svc-two' } }));
    expect(replaceWrongName.response.status).toBe(400);
    const replaceMissing = must(await cred.replaceServiceCredential({ client: admin, path: { namespace: 'system', name: 'missing' }, body: { name: 'missing' } }));
    expect(replaceMissing.response.status).toBe(404);
    expect(must(await cred.getServiceCredential({ client: admin, path: { namespace: 'system', name: 'missing' } })).response.status).toBe(404);

    const dana = await as(gh, 'dana');
    for (const result of [
      await cred.listServiceCredentials({ client: dana, path: ns }),
      await cred.getServiceCredential({ client: dana, path: { namespace: 'system', name: 'svc-one' } }),
      await cred.createServiceCredential({ client: dana, path: ns, body: { name: 'mine', type: 'SERVICE_API_TOKEN' } }),
      await cred.replaceServiceCredential({ client: dana, path: { namespace: 'system', name: 'svc-one' }, body: { name: 'svc-one' } }),
      await cred.activateServiceCredential({ client: dana, path: ns, body: { name: 'svc-one', namespace: 'system' } }),
      await cred.renewServiceCredential({ client: dana, path: ns, body: { name: 'svc-one', namespace: 'system' } }),
      await cred.revokeServiceCredential({ client: dana, path: ns, body: { name: 'svc-one', namespace: 'system' } }),
      await cred.bulkRevokeServiceCredentials({ client: dana, body: { name_selector: { names: ['svc-one'] } } }),
    ]) {
      expect(must(result).response.status).toBe(403);
      expect(result.error).toMatchObject({ code: 7, message: 'only administrators may manage service credentials' });
      expect(reasonOf(result.error)).toBe('ADMIN_REQUIRED');
    }

    const token = must(await cred.createServiceCredential({ client: admin, path: ns, body: { name: 'svc-two', type: 'SERVICE_API_TOKEN', expiration_days: 1 } })).data!.data;
    const bulk = must(await cred.bulkRevokeServiceCredentials({ client: admin, body: { name_selector: { names: ['svc-one', 'missing'] } } }));
    expect(bulk.data).toEqual({ credentials_marked_for_deletion: ['svc-one'], credentials_failed: ['missing'], error_message: '1 credential not found: missing' });
    expect(await accountRow(gh.runtime.db, 'svc-one@system.service.invalid')).toBeUndefined();
    expect(await accountRow(gh.runtime.db, 'svc-one@payments.service.invalid')).toBeDefined();
    gh.clock.advance(DAY + 1);
    const admin2 = await as(gh, 'admin');
    const expired = must(await cred.bulkRevokeServiceCredentials({ client: admin2, body: { expired_selector: { credential_type: 'SERVICE_API_TOKEN' } } }));
    expect(expired.data!.credentials_marked_for_deletion).toContain('svc-two');
    expect(expired.data!.credentials_failed).toEqual([]);
    expect(await accountRow(gh.runtime.db, 'svc-two@system.service.invalid')).toBeUndefined();
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(gh, { apiToken: token }), path: ns })).response.status).toBe(401);
  });
});
