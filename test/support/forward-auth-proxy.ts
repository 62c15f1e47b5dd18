import type { Browser } from 'playwright-core';
import { expect } from 'vitest';
import * as sa from '../../generated/simple-auth/sdk.gen.js';
import { startGatehouse, type TestGatehouse } from './gatehouse.js';
import { signedIn } from './oauth2.js';
import { must } from './simple-auth.js';
import type { UpstreamApp } from './upstream-app.js';

/** A forward-auth proxy under test: Gatehouse, the application, and the proxy in front of it. */
export interface ProxySetup {
  gh: TestGatehouse;
  app: UpstreamApp;
  /** where the proxy listens */
  origin: string;
}

/**
 * Gatehouse as the README tells it to run behind a proxy: vouch on, the account id in X-User-Id,
 * and the proxy's own pages allowed as `continue` targets.
 */
export function startGatehouseBehindProxy(proxyPort: number): Promise<TestGatehouse> {
  const settings = { authenticators: { vouch: { enabled: true, userHeader: 'X-User-Id' } }, login: { allowedContinueUrls: [`http://127\\.0\\.0\\.1:${proxyPort}/.*`] } };
  return startGatehouse('sqlite', { settings });
}

/** A request through the proxy as a client sends it (redirects not followed), with a session cookie or none. */
export function through(at: ProxySetup, path: string, cookie?: string, init: RequestInit = {}): Promise<Response> {
  const headers = { ...(cookie ? { Cookie: `auth=${cookie}` } : {}), ...(init.headers as Record<string, string> | undefined) };
  return fetch(`${at.origin}${path}`, { ...init, redirect: 'manual', headers });
}

/**
 * A session cookie reaches the application, which learns the account id from X-User-Id and never
 * a client's own; a POST keeps its method and body (the auth call is a bodiless GET).
 */
export async function expectSessionPassesThrough(at: ProxySetup, username: string): Promise<void> {
  const user = await signedIn(at.gh, username);
  const cookie = user.browser.cookies.get('auth')!;
  const page = await through(at, '/reports?q=1', cookie, { headers: { 'X-User-Id': 'someone-else' } });
  expect(page.status).toBe(200);
  expect(await page.json()).toEqual({ method: 'GET', url: '/reports?q=1', user: user.uuid, body: '' });
  const posted = await through(at, '/reports', cookie, { method: 'POST', body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  expect(await posted.json()).toEqual({ method: 'POST', url: '/reports', user: user.uuid, body: 'a=1' });
}

/**
 * Without a session, GET and POST alike get Gatehouse's 307 to the login page, whose `continue` is
 * the page asked for through the proxy; the application never sees the requests. Returns the
 * answers for proxy-specific checks.
 */
export async function expectRedirectToLogin(at: ProxySetup, headers: Record<string, string> = {}): Promise<Response[]> {
  const before = at.app.seen.length;
  const target = `${at.origin}/reports?q=1&r=2`;
  const answers: Response[] = [];
  for (const method of ['GET', 'POST']) {
    const redirected = await through(at, '/reports?q=1&r=2', undefined, { method, headers: { 'X-User-Id': 'forged', ...headers } });
    expect([method, redirected.status]).toEqual([method, 307]);
    expect(redirected.headers.get('location')).toBe(`${at.gh.url}/login?continue=${encodeURIComponent(target)}`);
    answers.push(redirected);
  }
  expect(at.app.seen.length).toBe(before);
  return answers;
}

/** Logout (DELETE /api/v1/auth/session) locks the application at once, for a copied cookie too. */
export async function expectLockedAfterLogout(at: ProxySetup, username: string): Promise<void> {
  const user = await signedIn(at.gh, username);
  const cookie = user.browser.cookies.get('auth')!;
  expect((await through(at, '/inbox', cookie)).status).toBe(200);
  expect(must(await sa.deleteSession({ client: user.client })).response.status).toBe(200);
  const after = await through(at, '/inbox', cookie);
  expect(after.status).toBe(307);
  expect(new URL(after.headers.get('location')!).pathname).toBe('/login');
}

/**
 * What a person does in a fresh Chromium profile: opens a page of the application, is sent to
 * Gatehouse's login page, signs in, lands on that page with the application told who they are;
 * signs out on Gatehouse's landing page (`/`), and the application is locked again (the next
 * visit ends on the login page; the application never sees it).
 */
export async function personSignsInAndOut(browser: Browser, at: ProxySetup, username: string): Promise<void> {
  const { gh, app } = at;
  const { uuid } = await signedIn(gh, username);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const wanted = `${at.origin}/dashboard?tab=2`;
    await page.goto(wanted);
    expect(new URL(page.url()).origin + new URL(page.url()).pathname).toBe(`${gh.url}/login`);
    expect(new URL(page.url()).searchParams.get('continue')).toBe(wanted);
    await page.fill('#username', username);
    await page.fill('#password', `${username}-password`);
    await Promise.all([page.waitForURL(wanted), page.click('#submit')]);
    expect(JSON.parse((await page.textContent('body'))!)).toEqual({ method: 'GET', url: '/dashboard?tab=2', user: uuid, body: '' });

    await page.goto(`${gh.url}/`);
    expect(await page.getAttribute('#principal', 'data-id')).toBe(uuid);
    await Promise.all([page.waitForURL(`${gh.url}/`), page.click('#sign-out')]);
    expect(await page.textContent('h1')).toBe('Not signed in');

    const before = app.seen.length;
    await page.goto(wanted);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(app.seen.length).toBe(before);
  } finally {
    await context.close();
  }
}
