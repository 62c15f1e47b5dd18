import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { load } from 'js-yaml';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cred from '../../../generated/credentials/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { accountRow, auditMessages, rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { as, createCredentialsUsers, credentialsCaller, openP12, reasonOf } from '../../support/credentials.js';
import { must } from '../../support/simple-auth.js';

const der = (cert: forge.pki.Certificate) => Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');

describe.each(DATABASES)('credentials API certificates and kubeconfigs on %s', (kind) => {
  let gh: TestGatehouse;

  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { credentials: { tenant: 'acme', kubeServerUrl: 'https://k8s.example.com:6443' } } });
    await createCredentialsUsers(gh);
  });
  afterAll(async () => gh?.stop());

  it('serves the CA at a public path, and issues leaves that name it (AKI = the CA\'s SKI) and tolerate a slow clock', async () => {
    const served = must(await cred.getCredentialCa({ client: credentialsCaller(gh), parseAs: 'text' }));
    expect(served.response.status).toBe(200);
    expect(served.response.headers.get('content-type')).toMatch(/^application\/x-pem-file/);
    const pem = String(served.data);
    const [stored] = await rows(gh.runtime.db, 'credential_ca');
    expect(pem).toBe(String(stored!.certificate_pem));
    const ca = new X509Certificate(pem);
    expect(ca.ca).toBe(true);

    const created = must(await cred.createApiCredential({ client: await as(gh, 'erin'), path: { namespace: 'system' }, body: { name: 'skewed-cert', spec: { type: 'API_CERTIFICATE', password: 'pw-for-skew' } } }));
    const leafPem = forge.pki.certificateToPem(openP12(created.data!.data, 'pw-for-skew').certs.find((c: forge.pki.Certificate) => c.subject.getField('CN')?.value === 'erin@example.com')!);
    const leaf = new X509Certificate(leafPem);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(Date.parse(leaf.validFrom)).toBeLessThanOrEqual(gh.clock.now().getTime() - 4 * 60_000);
    // openssl reads the identifiers: the leaf's authority key id is the CA's subject key id.
    const ext = (certPem: string, name: string) => execFileSync('openssl', ['x509', '-noout', '-ext', name], { input: certPem }).toString().split('\n')[1]!.trim().replace(/^keyid:/, '');
    const caSki = ext(pem, 'subjectKeyIdentifier');
    expect(caSki).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    expect(ext(leafPem, 'authorityKeyIdentifier')).toBe(caSki);
    expect(ext(leafPem, 'subjectKeyIdentifier')).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
  });

  it('issues a P12 that opens with the password and holds a certificate signed by the CA kept in the database', async () => {
    const user = await as(gh, 'dana');
    const created = must(await cred.createApiCredential({ client: user, path: { namespace: 'system' }, body: { name: 'laptop-cert', expiration_days: 90, spec: { type: 'API_CERTIFICATE', password: 'c0rrect-h0rse' } } }));
    expect(created.response.status).toBe(200);
    expect(created.response.headers.get('cache-control')).toBe('no-store');
    const { certs, key } = openP12(created.data!.data, 'c0rrect-h0rse');
    expect(() => openP12(created.data!.data, 'wrong-password')).toThrow();
    const [ca] = await rows(gh.runtime.db, 'credential_ca');
    expect(String(ca!.private_key_sealed)).toMatch(/^v1\./);
    expect(String(ca!.private_key_sealed)).not.toContain('PRIVATE KEY');
    const caCert = forge.pki.certificateFromPem(String(ca!.certificate_pem));
    const client = certs.find((c: forge.pki.Certificate) => c.subject.getField('CN')?.value === 'dana@example.com')!;
    expect(client).toBeDefined();
    expect(caCert.verify(client)).toBe(true);
    expect(client.subject.getField('O').value).toBe('acme');
    expect((client.publicKey as forge.pki.rsa.PublicKey).n.equals(key!.n)).toBe(true);
    expect(Math.abs(client.validity.notAfter.getTime() - Date.parse(created.data!.expiration_timestamp))).toBeLessThan(1000);

    const [row] = await rows(gh.runtime.db, 'api_credentials', { name: 'laptop-cert' });
    expect(row).toMatchObject({ type: 'API_CERTIFICATE', family: 'user', certificate_serial: client.serialNumber, token_hash: createHash('sha256').update(der(client)).digest('hex') });
    const got = must(await cred.getApiCredential({ client: user, path: { namespace: 'system', name: 'laptop-cert' } }));
    expect(got.data!.object.spec.gc_spec).toMatchObject({ type: 'API_CERTIFICATE', active: true, certificate_serial_num: client.serialNumber, digest: createHash('sha1').update(der(client)).digest('hex') });

    // certificates cannot be renewed, only created anew
    const renew = must(await cred.renewApiCredential({ client: user, path: { namespace: 'system' }, body: { name: 'laptop-cert', namespace: 'system' } }));
    expect(renew.response.status).toBe(400);
    expect(reasonOf(renew.error)).toBe('RENEW_NOT_SUPPORTED');

    // a second certificate is signed by the same CA (generated once)
    const second = must(await cred.createApiCredential({ client: user, path: { namespace: 'system' }, body: { name: 'desktop-cert', spec: { type: 'API_CERTIFICATE', password: 'another-pass' } } }));
    expect(openP12(second.data!.data, 'another-pass').certs.some((c: forge.pki.Certificate) => caCert.verify(c) && c.subject.getField('CN')?.value === 'dana@example.com')).toBe(true);
    expect(await rows(gh.runtime.db, 'credential_ca')).toHaveLength(1);
    const dana = await accountRow(gh.runtime.db, 'dana');
    expect(await auditMessages(gh.runtime.db, Number(dana!.id))).toContain('CREDENTIAL_CREATED API_CERTIFICATE system/laptop-cert');
  });

  it('requires a 6-to-50-byte password for certificates only', async () => {
    const user = await as(gh, 'dana');
    const missing = must(await cred.createApiCredential({ client: user, path: { namespace: 'system' }, body: { name: 'no-password', spec: { type: 'API_CERTIFICATE' } } }));
    expect(missing.response.status).toBe(400);
    expect(missing.error).toEqual({
      code: 3,
      message: 'spec.password is required for API_CERTIFICATE',
      details: [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'PASSWORD_REQUIRED', domain: 'gatehouse' },
        { '@type': 'type.googleapis.com/google.rpc.BadRequest', field_violations: [{ field: 'spec.password', description: 'spec.password is required for API_CERTIFICATE' }] },
      ],
    });
    const multibyte = must(await cred.createApiCredential({ client: user, path: { namespace: 'system' }, body: { name: 'long-password', spec: { type: 'API_CERTIFICATE', password: 'é'.repeat(30) } } }));
    expect(multibyte.response.status).toBe(400);
    expect(reasonOf(multibyte.error)).toBe('VALIDATION_FAILED');
    const short = must(await cred.createApiCredential({ client: user, path: { namespace: 'system' }, body: { name: 'short-password', spec: { type: 'API_CERTIFICATE', password: 'abc' } } }));
    expect(short.response.status).toBe(400);
    expect(await rows(gh.runtime.db, 'api_credentials', { name: 'no-password' })).toEqual([]);
  });

  it('issues a kubeconfig whose user authenticates with a CA-signed client certificate', async () => {
    const user = await as(gh, 'dana');
    const created = must(await cred.createApiCredential({ client: user, path: { namespace: 'system' }, body: { name: 'prod-vk8s-admin', expiration_days: 30, spec: { type: 'KUBE_CONFIG', virtual_k8s_name: 'prod-vk8s', virtual_k8s_namespace: 'payments' } } }));
    expect(created.response.status).toBe(200);
    const kubeconfig = load(Buffer.from(created.data!.data, 'base64').toString('utf8')) as Record<string, any>;
    expect(kubeconfig).toMatchObject({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'prod-vk8s',
      clusters: [{ name: 'prod-vk8s', cluster: { server: 'https://k8s.example.com:6443' } }],
      contexts: [{ name: 'prod-vk8s', context: { cluster: 'prod-vk8s', user: 'prod-vk8s-admin', namespace: 'payments' } }],
    });
    const pem = (field: string) => Buffer.from(field, 'base64').toString('utf8');
    const caCert = forge.pki.certificateFromPem(pem(kubeconfig.clusters[0].cluster['certificate-authority-data']));
    const clientCert = forge.pki.certificateFromPem(pem(kubeconfig.users[0].user['client-certificate-data']));
    const clientKey = forge.pki.privateKeyFromPem(pem(kubeconfig.users[0].user['client-key-data'])) as forge.pki.rsa.PrivateKey;
    expect(caCert.verify(clientCert)).toBe(true);
    expect((clientCert.publicKey as forge.pki.rsa.PublicKey).n.equals(clientKey.n)).toBe(true);
    const [ca] = await rows(gh.runtime.db, 'credential_ca');
    expect(forge.pki.certificateToPem(caCert).trim()).toBe(String(ca!.certificate_pem).trim());
    const got = must(await cred.getApiCredential({ client: user, path: { namespace: 'system', name: 'prod-vk8s-admin' } }));
    expect(got.data!.object.spec.gc_spec).toMatchObject({ type: 'KUBE_CONFIG', virtual_k8s_name: 'prod-vk8s', virtual_k8s_namespace: 'payments', certificate_serial_num: clientCert.serialNumber });

    // without names, the configured defaults apply
    const plain = must(await cred.createApiCredential({ client: user, path: { namespace: 'system' }, body: { name: 'default-kube', spec: { type: 'KUBE_CONFIG' } } }));
    const plainConfig = load(Buffer.from(plain.data!.data, 'base64').toString('utf8')) as Record<string, any>;
    expect(plainConfig.contexts[0].context).toMatchObject({ cluster: 'gatehouse', namespace: 'default' });

    // a kubeconfig is not an API token and cannot be renewed; revoke removes it
    expect(reasonOf(must(await cred.renewApiCredential({ client: user, path: { namespace: 'system' }, body: { name: 'default-kube', namespace: 'system' } })).error)).toBe('RENEW_NOT_SUPPORTED');
    expect(must(await cred.revokeApiCredential({ client: user, path: { namespace: 'system' }, body: { name: 'default-kube', namespace: 'system' } })).data).toEqual({ status: true });
    const list = must(await cred.listApiCredentials({ client: user, path: { namespace: 'system' } }));
    expect(list.data!.items.map((i) => i.name)).toEqual(expect.arrayContaining(['prod-vk8s-admin', 'laptop-cert']));
    expect(list.data!.items.map((i) => i.name)).not.toContain('default-kube');
  });
});
