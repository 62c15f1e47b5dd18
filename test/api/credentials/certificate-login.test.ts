import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cred from '../../../generated/credentials/sdk.gen.js';
import { as, createCredentialsUsers, credentialsCaller, openP12 } from '../../support/credentials.js';
import { DATABASES } from '../../support/databases.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { must } from '../../support/simple-auth.js';
import { tlsGet, type ClientCertificate } from '../../support/tls-client.js';
import { platformCaller } from '../../support/platform.js';
import * as platform from '../../../generated/platform/sdk.gen.js';

const LIST = '/api/web/namespaces/system/api_credentials';

const run = promisify(execFile);
const get = (url: string, ca: Buffer, client?: ClientCertificate) => tlsGet(new URL(LIST, url).href, 'listApiCredentials', ca, client);

/**
 * An API certificate logs in as its owner when presented as the TLS client certificate: to
 * Gatehouse's own HTTPS listener, or forwarded by a TLS-terminating proxy Gatehouse trusts.
 */
describe.each(DATABASES)('certificate login on the credentials face on %s', (kind) => {
  let plain: TestGatehouse;
  let tls: TestGatehouse;
  let proxied: TestGatehouse;
  let dir: string;
  let serverCert: Buffer;
  let p12: Buffer;
  let leafPem: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    serverCert = readFileSync(join(dir, 'cert.pem'));
    plain = await startGatehouse(kind);
    await createCredentialsUsers(plain);
    // Two more instances on the same database: one terminating TLS, one behind a trusted proxy.
    tls = await startGatehouse(kind, { database: plain.database, clock: plain.clock, settings: { security: { masterKey: plain.config.security.masterKey }, server: { tlsCertFile: join(dir, 'cert.pem'), tlsKeyFile: join(dir, 'key.pem') } } });
    proxied = await startGatehouse(kind, { database: plain.database, clock: plain.clock, settings: { security: { masterKey: plain.config.security.masterKey }, server: { trustProxy: 'loopback', clientCertHeader: 'X-Client-Cert' } } });
    const created = must(await cred.createApiCredential({ client: await as(plain, 'dana'), path: { namespace: 'system' }, body: { name: 'laptop-cert', spec: { type: 'API_CERTIFICATE', password: 'c0rrect-h0rse' } } }));
    p12 = Buffer.from(created.data!.data, 'base64');
    leafPem = forge.pki.certificateToPem(openP12(created.data!.data, 'c0rrect-h0rse').certs.find((c: forge.pki.Certificate) => c.subject.getField('CN')?.value === 'dana@example.com')!);
  });
  afterAll(async () => {
    await proxied?.stop();
    await tls?.stop();
    await plain?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs in with the certificate in the TLS handshake, and refuses without one', async () => {
    expect(tls.url).toMatch(/^https:/);
    const signedIn = await get(tls.url, serverCert, { pfx: p12, passphrase: 'c0rrect-h0rse' });
    expect(signedIn.status).toBe(200);
    expect((signedIn.body.items as { name: string }[]).map((i) => i.name)).toContain('laptop-cert');
    const anonymous = await get(tls.url, serverCert);
    expect(anonymous.status).toBe(401);
  });

  it('works with curl --cert (the P12 as minted) and verifies with openssl against the CA from /api/web/ca.pem', async () => {
    writeFileSync(join(dir, 'laptop.p12'), p12);
    // asynchronously: the instance answering runs in this process
    const curl = (p12File: string) => run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', join(dir, 'cert.pem'), '--cert-type', 'P12', '--cert', `${p12File}:c0rrect-h0rse`, new URL(LIST, tls.url).href]);
    expect((await curl(join(dir, 'laptop.p12'))).stdout).toBe('200');
    const ca = must(await cred.getCredentialCa({ client: credentialsCaller(plain), parseAs: 'text' }));
    writeFileSync(join(dir, 'gatehouse-ca.pem'), String(ca.data));
    writeFileSync(join(dir, 'leaf.pem'), leafPem);
    expect(execFileSync('openssl', ['verify', '-CAfile', join(dir, 'gatehouse-ca.pem'), join(dir, 'leaf.pem')]).toString()).toBe(`${join(dir, 'leaf.pem')}: OK\n`);
  });

  it('accepts the certificate a trusted proxy forwards, and ignores the header from anyone else', async () => {
    const forwarded = { 'X-Client-Cert': encodeURIComponent(leafPem) };
    const viaProxy = must(await cred.listApiCredentials({ client: credentialsCaller(proxied), path: { namespace: 'system' }, headers: forwarded }));
    expect(viaProxy.response.status).toBe(200);
    // An instance that trusts no proxy reads no such header: anyone could have written it.
    const untrusted = must(await cred.listApiCredentials({ client: credentialsCaller(plain), path: { namespace: 'system' }, headers: forwarded }));
    expect(untrusted.response.status).toBe(401);
    // A certificate Gatehouse did not issue is nobody.
    const stranger = encodeURIComponent(serverCert.toString());
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(proxied), path: { namespace: 'system' }, headers: { 'X-Client-Cert': stranger } })).response.status).toBe(401);
  });

  it('stands for its owner on the platform face as an API token does (X-API-Key rules), base64 DER as Caddy forwards it', async () => {
    const adminCert = must(await cred.createApiCredential({ client: await as(plain, 'admin'), path: { namespace: 'system' }, body: { name: 'admin-cert', spec: { type: 'API_CERTIFICATE', password: 'adm1n-h0rse' } } }));
    const adminLeaf = openP12(adminCert.data!.data, 'adm1n-h0rse').certs.find((c: forge.pki.Certificate) => c.subject.getField('CN')?.value !== undefined && !String(c.subject.getField('CN')?.value).startsWith('Gatehouse'))!;
    const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(adminLeaf)).getBytes(), 'binary').toString('base64');
    const stats = (headers: Record<string, string>) => platform.getWebSessionStats({ client: platformCaller(proxied).client, headers });
    expect(must(await stats({ 'X-Client-Cert': der })).response.status).toBe(200);
    // dana's certificate is dana: no administrator
    const dana = must(await stats({ 'X-Client-Cert': encodeURIComponent(leafPem) }));
    expect(dana.response.status).toBe(403);
    // a presented key that fails is a failed login: no fall-back to the certificate
    expect(must(await stats({ 'X-Client-Cert': der, 'X-API-Key': 'ghk_wrong' })).response.status).toBe(401);
  });

  it('refuses a revoked certificate at once, on every instance', async () => {
    const revoked = must(await cred.revokeApiCredential({ client: await as(plain, 'dana'), path: { namespace: 'system' }, body: { name: 'laptop-cert', namespace: 'system' } }));
    expect(revoked.response.status).toBe(200);
    expect((await get(tls.url, serverCert, { pfx: p12, passphrase: 'c0rrect-h0rse' })).status).toBe(401);
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(proxied), path: { namespace: 'system' }, headers: { 'X-Client-Cert': encodeURIComponent(leafPem) } })).response.status).toBe(401);
  });
});
