import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient as credentialsClient } from '../../generated/credentials/client/index.js';
import * as credentials from '../../generated/credentials/sdk.gen.js';
import { createClient as mgmtClient } from '../../generated/mgmt/client/index.js';
import * as mgmt from '../../generated/mgmt/sdk.gen.js';
import { createClient as platformClient } from '../../generated/platform/client/index.js';
import * as platform from '../../generated/platform/sdk.gen.js';
import { createClient as portalClient } from '../../generated/portal/client/index.js';
import * as portal from '../../generated/portal/sdk.gen.js';
import { createClient as simpleAuthClient } from '../../generated/simple-auth/client/index.js';
import * as simpleAuth from '../../generated/simple-auth/sdk.gen.js';
import { createClient as wellknownClient } from '../../generated/wellknown/client/index.js';
import * as wellknown from '../../generated/wellknown/sdk.gen.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { freePort, waitForPort } from '../support/net.js';
import { repoRoot } from '../support/paths.js';
import { ADMIN } from '../support/platform.js';
import { must } from '../support/simple-auth.js';

/** Prism as a validating proxy: requests outside the contract are refused (422), responses outside it become 500s with sl-violations (`--errors`). */
async function startProxy(upstream: string): Promise<{ child: ChildProcess; origin: string }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'node_modules/@stoplight/prism-cli/dist/index.js'), 'proxy', '--errors', '-h', '127.0.0.1', '-p', String(port), join(repoRoot, 'generated/openapi.bundle.yaml'), upstream],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  await waitForPort(port, 30_000);
  return { child, origin: `http://127.0.0.1:${port}` };
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * A second, independent judge of the contract: Stoplight Prism as a validating proxy in front of
 * a real Gatehouse. Every request and response of a short walk through all six faces passes
 * through it; a request outside the contract is refused (422) before it reaches Gatehouse, and a
 * response outside it becomes a 500 with an `sl-violations` header, so a test that sees the
 * documented status saw a conforming exchange.
 */
describe('Prism validating proxy in front of a real Gatehouse', () => {
  let gh: TestGatehouse;
  let prism: ChildProcess;
  let origin: string;

  beforeAll(async () => {
    gh = await startGatehouse('sqlite', { settings: { authenticators: { vouch: { enabled: true } } } });
    ({ child: prism, origin } = await startProxy(gh.url));
  });
  afterAll(async () => {
    await stopProcess(prism);
    await gh?.stop();
  });

  const conforming = (result: { response: Response }, status: number) => {
    expect(result.response.headers.get('sl-violations')).toBeNull();
    expect(result.response.status).toBe(status);
  };

  it('carries a walk through every face without a single contract violation', async () => {
    const anonymousPlatform = platformClient({ baseUrl: origin });
    const boot = must(await platform.bootstrapComplete({ client: anonymousPlatform, body: { ...ADMIN } }));
    conforming(boot, 201);
    const token = boot.data!.token;
    const admin = platformClient({ baseUrl: origin, headers: { Authorization: `Bearer ${token}` } });
    conforming(must(await platform.getWebSessionStats({ client: admin })), 200);
    conforming(must(await platform.getOidcProvider({ client: admin })), 200);
    conforming(must(await platform.localLogin({ client: anonymousPlatform, body: { username: 'admin', password: 'not-the-password' } })), 403);

    const basic = Buffer.from(`admin:${ADMIN.password}`).toString('base64');
    const login = must(await mgmt.loginClientCredentials({ client: mgmtClient({ baseUrl: `${origin}/api`, headers: { Authorization: `Basic ${basic}` } }), body: { grant_type: 'client_credentials' } }));
    conforming(login, 200);
    conforming(must(await mgmt.getTokenInfo({ client: mgmtClient({ baseUrl: `${origin}/api`, headers: { Authorization: `Bearer ${login.data!.access_token}` } }) })), 200);

    const creds = credentialsClient({ baseUrl: `${origin}/api/web`, headers: { Authorization: `Bearer ${token}` } });
    conforming(must(await credentials.listApiCredentials({ client: creds, path: { namespace: 'system' } })), 200);

    conforming(must(await simpleAuth.vouch({ client: simpleAuthClient({ baseUrl: `${origin}/api/v1` }) })), 401);
    conforming(must(await simpleAuth.getOauth2Client({ client: simpleAuthClient({ baseUrl: `${origin}/api/v1` }), path: { client_id: 'nobody' } })), 404);

    conforming(must(await portal.requestMagicCode({ client: portalClient({ baseUrl: `${origin}/v1` }), body: { email: 'nobody@example.com' } })), 200);
    conforming(must(await portal.initialLoad({ client: portalClient({ baseUrl: `${origin}/v1` }) })), 401);

    conforming(must(await wellknown.getOpenidConfiguration({ client: wellknownClient({ baseUrl: origin }) })), 200);
    conforming(must(await wellknown.getJwks({ client: wellknownClient({ baseUrl: origin }) })), 200);
  });

  it('refuses a request that breaks the contract, and reports a response that does (the judge is awake)', async () => {
    const refused = must(await platform.localLogin({ client: platformClient({ baseUrl: origin }), body: { username: 'admin' } as never }));
    expect(refused.response.status).toBe(422);
    expect(JSON.stringify(refused.error)).toContain("required property 'password'");

    // An upstream that answers outside the contract: the proxy turns it into a 500 and names it.
    const broken = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"keys":"not-a-list"}'));
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    const judge = await startProxy(`http://127.0.0.1:${(broken.address() as AddressInfo).port}`);
    try {
      const result = must(await wellknown.getJwks({ client: wellknownClient({ baseUrl: judge.origin }) }));
      expect(result.response.status).toBe(500);
      expect(result.response.headers.get('sl-violations')).toMatch(/keys/);
    } finally {
      await stopProcess(judge.child);
      await new Promise((resolve) => broken.close(resolve));
    }
  });
});
