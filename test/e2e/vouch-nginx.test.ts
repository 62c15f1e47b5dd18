import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sa from '../../generated/simple-auth/sdk.gen.js';
import { launchChromium } from '../support/browser.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { freePort } from '../support/net.js';
import { startNginx, type RunningNginx } from '../support/nginx.js';
import { signedIn } from '../support/oauth2.js';
import { must } from '../support/simple-auth.js';

/**
 * The forward-auth setup the vouch endpoint exists for: nginx asks Gatehouse about every request
 * (auth_request) and passes the account id to the application, which trusts only that header.
 */
function forwardAuthServer(port: number, gatehouse: string, upstream: string): string {
  const forwarded = `proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header X-Forwarded-Uri $request_uri;
      # Subrequests inherit the client's method and body: vouch is a GET and needs neither.
      proxy_method GET;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";`;
  return `server {
    listen 127.0.0.1:${port};
    location / {
      auth_request /_vouch;
      auth_request_set $vouch_user $upstream_http_x_user_id;
      # Always set, so a client's own X-User-Id never reaches the application.
      proxy_set_header X-User-Id $vouch_user;
      error_page 401 = @login;
      proxy_pass ${upstream};
    }
    location = /_vouch {
      internal;
      proxy_pass ${gatehouse}/api/v1/auth/vouch;
      ${forwarded}
    }
    location @login {
      # Gatehouse builds the login URL with continue encoded (nginx cannot url-encode): ask vouch
      # again with forward=true and no cookie, and hand its 307 to the browser. The trailing ? keeps
      # the application's query off the vouch call (it is in X-Forwarded-Uri already).
      rewrite ^ /api/v1/auth/vouch?forward=true? break;
      proxy_pass ${gatehouse};
      # By default nginx rewrites a Location on the upstream's origin to its own: keep Gatehouse's.
      proxy_redirect off;
      proxy_set_header Cookie "";
      proxy_hide_header Set-Cookie;
      ${forwarded}
    }
  }`;
}

describe('vouch behind a real nginx auth_request', () => {
  let gh: TestGatehouse;
  let nginx: RunningNginx;
  let app: Server;
  let browser: Browser | undefined;
  const seen: { method: string; url: string; user: string | null }[] = [];

  beforeAll(async () => {
    const [appPort, nginxPort] = [await freePort(), await freePort()];
    app = createServer((req: IncomingMessage, res) => {
      const hit = { method: req.method!, url: req.url!, user: (req.headers['x-user-id'] as string | undefined) || null };
      seen.push(hit);
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(hit));
    }).listen(appPort, '127.0.0.1');
    const settings = {
      authenticators: { vouch: { enabled: true, userHeader: 'X-User-Id' } },
      login: { landingPage: '/healthz', allowedContinueUrls: [`http://127\\.0\\.0\\.1:${nginxPort}/.*`] },
    };
    gh = await startGatehouse('sqlite', { settings });
    nginx = await startNginx((port) => forwardAuthServer(port, gh.url, `http://127.0.0.1:${appPort}`), nginxPort);
  });
  afterAll(async () => {
    await browser?.close();
    await nginx?.stop();
    await gh?.stop();
    await new Promise((r) => app?.close(r));
  });

  const through = (path: string, cookie?: string, init: RequestInit = {}) =>
    fetch(`${nginx.origin}${path}`, { ...init, redirect: 'manual', headers: { ...(cookie ? { Cookie: `auth=${cookie}` } : {}), ...(init.headers as Record<string, string>) } });

  it('serves the application to a session cookie and tells it the account id, replacing a forged one', async () => {
    const uma = await signedIn(gh, 'uma');
    const cookie = uma.browser.cookies.get('auth')!;
    const page = await through('/reports?q=1', cookie, { headers: { 'X-User-Id': 'someone-else' } });
    expect(page.status).toBe(200);
    expect(await page.json()).toEqual({ method: 'GET', url: '/reports?q=1', user: uma.uuid });
    // A POST with a body works too: the auth subrequest goes out as a bodiless GET.
    const posted = await through('/reports', cookie, { method: 'POST', body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(await posted.json()).toEqual({ method: 'POST', url: '/reports', user: uma.uuid });
  });

  it('redirects a browser without a session to the login page, which will send it back', async () => {
    const before = seen.length;
    const target = `${nginx.origin}/reports?q=1&r=2`;
    const redirected = await through('/reports?q=1&r=2', undefined, { headers: { 'X-User-Id': 'forged' } });
    expect(redirected.status).toBe(307);
    expect(redirected.headers.get('location')).toBe(`${gh.url}/login?continue=${encodeURIComponent(target)}`);
    expect(redirected.headers.getSetCookie()).toEqual([]);
    expect(seen.length).toBe(before); // the application never saw the request
    const login = await fetch(redirected.headers.get('location')!);
    expect(await login.text()).toContain(`<meta name="continue" content="${target.replace(/&/g, '&amp;')}">`);
  });

  it('refuses the same cookie right after logout (DELETE /api/v1/auth/session)', async () => {
    const lou = await signedIn(gh, 'lou');
    const cookie = lou.browser.cookies.get('auth')!;
    expect((await through('/inbox', cookie)).status).toBe(200);
    expect(must(await sa.deleteSession({ client: lou.client })).response.status).toBe(200);
    const after = await through('/inbox', cookie);
    expect(after.status).toBe(307);
    expect(new URL(after.headers.get('location')!).pathname).toBe('/login');
  });

  it('takes a person in Chromium from the application to the login page and back, signed in', async () => {
    const kim = await signedIn(gh, 'kim');
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${nginx.origin}/dashboard?tab=2`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#username', 'kim');
    await page.fill('#password', 'kim-password');
    await Promise.all([page.waitForURL(`${nginx.origin}/dashboard?tab=2`), page.click('#submit')]);
    expect(JSON.parse((await page.textContent('body'))!)).toEqual({ method: 'GET', url: '/dashboard?tab=2', user: kim.uuid });
  });
});
