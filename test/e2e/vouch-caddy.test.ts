import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { startCaddy, type RunningCaddy } from '../support/caddy.js';
import { expectLockedAfterLogout, expectRedirectToLogin, expectSessionPassesThrough, personSignsInAndOut, startGatehouseBehindProxy, type ProxySetup } from '../support/forward-auth-proxy.js';
import { freePort } from '../support/net.js';
import { RECIPE_APP, RECIPE_GATEHOUSE, readmeBlock, substitute } from '../support/readme-recipes.js';
import { startUpstreamApp } from '../support/upstream-app.js';

/**
 * The README's Caddy `forward_auth` recipe, verbatim but for its addresses, in a real caddy (Debian
 * 2.6) in front of an application that trusts only the X-User-Id the proxy sets.
 */
describe('the README Caddy forward_auth recipe, for real', () => {
  let at: ProxySetup;
  let caddy: RunningCaddy | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    const port = await freePort();
    const [app, gh] = [await startUpstreamApp(), await startGatehouseBehindProxy(port)];
    const recipe = readmeBlock('Caddy `forward_auth`', 'caddy');
    const sites = (listen: number) =>
      substitute(recipe, [
        [RECIPE_GATEHOUSE, new URL(gh.url).host],
        [RECIPE_APP, app.address],
        ['app.example.com {', `http://127.0.0.1:${listen} {`],
      ]);
    at = { gh, app, origin: `http://127.0.0.1:${port}` };
    caddy = await startCaddy(sites, port);
  });
  afterAll(async () => {
    await browser?.close();
    await caddy?.stop();
    await at?.gh.stop();
    await at?.app.stop();
  });

  it('serves the application to a session cookie and tells it the account id, replacing a forged one', () => expectSessionPassesThrough(at, 'ula'));

  it("hands Gatehouse's 307 to a browser without a session; the application never sees the request", () => expectRedirectToLogin(at));

  it('refuses the same cookie right after logout (DELETE /api/v1/auth/session)', () => expectLockedAfterLogout(at, 'lev'));

  it('takes a person in Chromium from the application to the login page and back, then signs them out', async () => {
    browser = await launchChromium();
    await personSignsInAndOut(browser, at, 'kai');
  });
});
