import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cred from '../../generated/credentials/sdk.gen.js';
import { as, createCredentialsUsers, credentialsCaller } from '../support/credentials.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { freePort } from '../support/net.js';
import { startNginx, type RunningNginx } from '../support/nginx.js';
import { readmeBlock, substitute } from '../support/readme-recipes.js';
import { must } from '../support/simple-auth.js';
import { tlsGet } from '../support/tls-client.js';

/**
 * The README's certificate-login nginx recipe, verbatim but for its paths and addresses, in a
 * real nginx that verifies client certificates against the CA Gatehouse serves and forwards them.
 */
describe('the README nginx certificate-login recipe, for real', () => {
  let gh: TestGatehouse;
  let nginx: RunningNginx | undefined;
  let dir: string;
  let serverCert: Buffer;
  let port: number;
  let p12: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-mtls-'));
    gh = await startGatehouse('sqlite', { settings: { server: { trustProxy: 'loopback', clientCertHeader: 'X-Client-Cert' } } });
    await createCredentialsUsers(gh);
    const created = must(await cred.createApiCredential({ client: await as(gh, 'erin'), path: { namespace: 'system' }, body: { name: 'workstation', spec: { type: 'API_CERTIFICATE', password: 'n0t-s3cret' } } }));
    p12 = Buffer.from(created.data!.data, 'base64');
    // The CA as an operator would fetch it, and a server certificate for nginx.
    const ca = must(await cred.getCredentialCa({ client: credentialsCaller(gh), parseAs: 'text' }));
    writeFileSync(join(dir, 'ca.pem'), String(ca.data));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'server.key'), '-out', join(dir, 'server.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    serverCert = readFileSync(join(dir, 'server.pem'));
    port = await freePort();
    const recipe = readmeBlock('Certificate login', 'nginx');
    nginx = await startNginx(
      (listen) =>
        substitute(recipe, [
          ['listen 443 ssl;', `listen 127.0.0.1:${listen} ssl;`],
          ['/etc/nginx/tls/gatehouse.pem', join(dir, 'server.pem')],
          ['/etc/nginx/tls/gatehouse.key', join(dir, 'server.key')],
          ['/etc/nginx/tls/gatehouse-ca.pem', join(dir, 'ca.pem')],
          ['http://127.0.0.1:8080', gh.url],
        ]),
      port,
    );
  });
  afterAll(async () => {
    await nginx?.stop();
    await gh?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const list = () => `https://127.0.0.1:${port}/api/web/namespaces/system/api_credentials`;

  it('signs in with the P12 through nginx, and not without it', async () => {
    const signedIn = await tlsGet(list(), 'listApiCredentials', serverCert, { pfx: p12, passphrase: 'n0t-s3cret' });
    expect(signedIn.status).toBe(200);
    expect((signedIn.body.items as { name: string }[]).map((i) => i.name)).toEqual(['workstation']);
    expect((await tlsGet(list(), 'listApiCredentials', serverCert)).status).toBe(401);
  });

  it('stops the certificate once it is revoked', async () => {
    must(await cred.revokeApiCredential({ client: await as(gh, 'erin'), path: { namespace: 'system' }, body: { name: 'workstation', namespace: 'system' } }));
    expect((await tlsGet(list(), 'listApiCredentials', serverCert, { pfx: p12, passphrase: 'n0t-s3cret' })).status).toBe(401);
  });
});
