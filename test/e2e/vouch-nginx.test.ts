import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { expectLockedAfterLogout, expectRedirectToLogin, expectSessionPassesThrough, personSignsInAndOut, startGatehouseBehindProxy, type ProxySetup } from '../support/forward-auth-proxy.js';
import { freePort } from '../support/net.js';
import { startNginx, type RunningNginx } from '../support/nginx.js';
import { RECIPE_APP, RECIPE_GATEHOUSE, readmeBlock, substitute } from '../support/readme-recipes.js';
import { startUpstreamApp } from '../support/upstream-app.js';

/**
 * The README's nginx `auth_request` recipe, verbatim but for its addresses, in a real nginx in
 * front of an application that trusts only the X-User-Id the proxy sets.
 */
describe('the README nginx auth_request recipe, for real', () => {
  let at: ProxySetup;
  let nginx: RunningNginx | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    const port = await freePort();
    const [app, gh] = [await startUpstreamApp(), await startGatehouseBehindProxy(port)];
    const recipe = readmeBlock('nginx `auth_request`', 'nginx');
    const config = (listen: number) =>
      substitute(recipe, [
        [RECIPE_GATEHOUSE, new URL(gh.url).host],
        [RECIPE_APP, app.address],
        ['listen 80;', `listen 127.0.0.1:${listen};`],
      ]);
    at = { gh, app, origin: `http://127.0.0.1:${port}` };
    nginx = await startNginx(config, port);
  });
  afterAll(async () => {
    await browser?.close();
    await nginx?.stop();
    await at?.gh.stop();
    await at?.app.stop();
  });

  it('serves the application to a session cookie and tells it the account id, replacing a forged one', () => expectSessionPassesThrough(at, 'uma'));

  it('redirects a browser without a session to the login page, which will send it back', async () => {
    for (const redirected of await expectRedirectToLogin(at)) expect(redirected.headers.getSetCookie()).toEqual([]);
    const target = `${at.origin}/reports?q=1&r=2`;
    const login = await fetch(`${at.gh.url}/login?continue=${encodeURIComponent(target)}`);
    expect(await login.text()).toContain(`<meta name="continue" content="${target.replace(/&/g, '&amp;')}">`);
  });

  it('refuses the same cookie right after logout (DELETE /api/v1/auth/session)', () => expectLockedAfterLogout(at, 'lou'));

  it('takes a person in Chromium from the application to the login page and back, then signs them out', async () => {
    browser = await launchChromium();
    await personSignsInAndOut(browser, at, 'kim');
  });
});
