import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLockedAfterLogout, expectRedirectToLogin, expectSessionPassesThrough, startGatehouseBehindProxy, through, type ProxySetup } from '../support/forward-auth-proxy.js';
import { freePort } from '../support/net.js';
import { signedIn } from '../support/oauth2.js';
import { RECIPE_APP, RECIPE_GATEHOUSE, readmeBlock, substitute } from '../support/readme-recipes.js';
import { startTraefikForwardAuth, type TraefikEmulation } from '../support/traefik-forward-auth.js';
import { startUpstreamApp } from '../support/upstream-app.js';

interface DynamicConfig {
  http: {
    routers: Record<string, { middlewares: string[]; service: string }>;
    middlewares: Record<string, { forwardAuth: { address: string; authResponseHeaders: string[] } }>;
    services: Record<string, { loadBalancer: { servers: { url: string }[] } }>;
  };
}

const UNAUTHORIZED = { error: true, message: 'Request did not pass any authentication schemes', reason: 'unauthorized' };

/** The cookies a response sets, as `name=value` pairs. */
const setCookies = (response: Response) => new Map(response.headers.getSetCookie().map((c) => c.split(';')[0]!.split('=') as [string, string]));

/**
 * The README's Traefik dynamic configuration, read as Traefik reads it (YAML), with its addresses
 * replaced, in front of the application through an emulation of Traefik's ForwardAuth middleware.
 */
describe('the README Traefik ForwardAuth recipe, emulated', () => {
  let at: ProxySetup;
  let traefik: TraefikEmulation | undefined;

  beforeAll(async () => {
    const port = await freePort();
    const [app, gh] = [await startUpstreamApp(), await startGatehouseBehindProxy(port)];
    const recipe = substitute(readmeBlock('Traefik ForwardAuth', 'yaml'), [
      [RECIPE_GATEHOUSE, new URL(gh.url).host],
      [RECIPE_APP, app.address],
    ]);
    const { http } = load(recipe) as DynamicConfig;
    const [router] = Object.values(http.routers);
    expect(router!.middlewares).toHaveLength(1);
    const { forwardAuth } = http.middlewares[router!.middlewares[0]!]!;
    expect(forwardAuth.address).toBe(`${gh.url}/api/v1/auth/vouch?forward=1`);
    expect(forwardAuth.authResponseHeaders).toEqual(['X-User-Id']);
    at = { gh, app, origin: `http://127.0.0.1:${port}` };
    traefik = await startTraefikForwardAuth(forwardAuth, http.services[router!.service]!.loadBalancer.servers[0]!.url, port);
  });
  afterAll(async () => {
    await traefik?.stop();
    await at?.gh.stop();
    await at?.app.stop();
  });

  it('passes a session on to the application with the account id in X-User-Id, a forged one dropped', () => expectSessionPassesThrough(at, 'tao'));

  it("returns Gatehouse's 307 and body to a client without a session, continue built from its own request", async () => {
    // A client's X-Forwarded-Host is not trusted (trustForwardHeader is off): Traefik sets its own.
    for (const redirected of await expectRedirectToLogin(at, { 'X-Forwarded-Host': 'evil.example' })) expect(await redirected.json()).toEqual(UNAUTHORIZED);
  });

  it('refuses the same cookie right after logout (DELETE /api/v1/auth/session)', () => expectLockedAfterLogout(at, 'teo'));

  it('takes a client from the redirect through the login API back to the page, and signs it out on /', async () => {
    const { gh } = at;
    const tia = await signedIn(gh, 'tia');
    const redirected = await through(at, '/dashboard?tab=2');
    const loginPage = await fetch(redirected.headers.get('location')!);
    const csrf = setCookies(loginPage).get('_csrf')!;
    const target = /<meta name="continue" content="([^"]+)">/.exec(await loginPage.text())![1]!.replace(/&amp;/g, '&');
    expect(target).toBe(`${at.origin}/dashboard?tab=2`);
    const session = await fetch(`${gh.url}/api/v1/auth/session`, {
      method: 'POST',
      headers: { Cookie: `_csrf=${csrf}`, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'tia', password: 'tia-password' }),
    });
    expect(session.status).toBe(200);
    const cookie = setCookies(session).get('auth')!;
    const page = await fetch(target, { redirect: 'manual', headers: { Cookie: `auth=${cookie}` } });
    expect(await page.json()).toEqual({ method: 'GET', url: '/dashboard?tab=2', user: tia.uuid, body: '' });

    const out = await fetch(`${gh.url}/logout`, { method: 'POST', redirect: 'manual', headers: { Cookie: `auth=${cookie}; _csrf=${csrf}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: `_csrf=${csrf}` });
    expect([out.status, out.headers.get('location')]).toEqual([303, '/']);
    expect((await through(at, '/dashboard?tab=2', cookie)).status).toBe(307);
  });
});
