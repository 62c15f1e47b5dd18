import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cred from '../../generated/credentials/sdk.gen.js';
import { as, createCredentialsUsers, credentialsCaller } from '../support/credentials.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { freePort } from '../support/net.js';
import { startCaddy } from '../support/caddy.js';
import type { RunningProxy } from '../support/child-server.js';
import { startNginx } from '../support/nginx.js';
import { readmeBlock, substitute } from '../support/readme-recipes.js';
import { must } from '../support/simple-auth.js';
import { tlsGet } from '../support/tls-client.js';

type Paths = { server: string; key: string; ca: string; gatehouse: string };

/** Each proxy's README recipe with the test's paths and addresses, started on `port`. */
const PROXIES: Record<'nginx' | 'caddy', (paths: Paths, port: number) => Promise<RunningProxy>> = {
  nginx: (paths, port) =>
    startNginx(
      (listen) =>
        substitute(readmeBlock('Certificate login', 'nginx'), [
          ['listen 443 ssl;', `listen 127.0.0.1:${listen} ssl;`],
          ['/etc/nginx/tls/gatehouse.pem', paths.server],
          ['/etc/nginx/tls/gatehouse.key', paths.key],
          ['/etc/nginx/tls/gatehouse-ca.pem', paths.ca],
          ['http://127.0.0.1:8080', paths.gatehouse],
        ]),
      port,
    ),
  caddy: (paths, port) =>
    startCaddy(
      (listen) =>
        substitute(readmeBlock('Certificate login', 'caddy'), [
          // Caddy answers 421 to a client-certificate request whose SNI does not name the site
          ['id.example.com {', `https://localhost:${listen} {`],
          ['/etc/caddy/tls/gatehouse.pem', paths.server],
          ['/etc/caddy/tls/gatehouse.key', paths.key],
          ['/etc/caddy/tls/gatehouse-ca.pem', paths.ca],
          ['127.0.0.1:8080', paths.gatehouse.replace('http://', '')],
        ]),
      port,
    ),
};

/**
 * The README's certificate-login recipes, verbatim but for their paths and addresses, in a real
 * nginx and a real Caddy that verify client certificates against the CA Gatehouse serves and
 * forward them.
 */
describe.each(['nginx', 'caddy'] as const)('the README %s certificate-login recipe, for real', (proxy) => {
  let gh: TestGatehouse;
  let running: RunningProxy | undefined;
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
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'server.key'), '-out', join(dir, 'server.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    serverCert = readFileSync(join(dir, 'server.pem'));
    port = await freePort();
    running = await PROXIES[proxy]({ server: join(dir, 'server.pem'), key: join(dir, 'server.key'), ca: join(dir, 'ca.pem'), gatehouse: gh.url }, port);
  });
  afterAll(async () => {
    await running?.stop();
    await gh?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const list = () => `https://127.0.0.1:${port}/api/web/namespaces/system/api_credentials`;

  it(`signs in with the P12 through ${proxy}, and not without it`, async () => {
    const signedIn = await tlsGet(list(), 'listApiCredentials', serverCert, { pfx: p12, passphrase: 'n0t-s3cret' }, 'localhost');
    expect(signedIn.status).toBe(200);
    expect((signedIn.body.items as { name: string }[]).map((i) => i.name)).toEqual(['workstation']);
    expect((await tlsGet(list(), 'listApiCredentials', serverCert, undefined, 'localhost')).status).toBe(401);
  });

  it('stops the certificate once it is revoked', async () => {
    must(await cred.revokeApiCredential({ client: await as(gh, 'erin'), path: { namespace: 'system' }, body: { name: 'workstation', namespace: 'system' } }));
    expect((await tlsGet(list(), 'listApiCredentials', serverCert, { pfx: p12, passphrase: 'n0t-s3cret' }, 'localhost')).status).toBe(401);
  });
});
