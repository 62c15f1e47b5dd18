import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { rows } from '../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { sha256, signedIn } from '../support/oauth2.js';

/**
 * `/` is the default landing page: a sign-in without `continue` ends there (it used to be a 404
 * JSON body). It shows who is signed in and signs out with a CSRF-checked POST.
 */
describe('landing page at / in headless Chromium', () => {
  let gh: TestGatehouse;
  let browser: Browser;

  beforeAll(async () => {
    gh = await startGatehouse('sqlite'); // landingPage left at its default, `/`
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gh?.stop();
  });

  const sessionRow = async (cookie: string) => (await rows(gh.runtime.db, 'sessions', { token_hash: sha256(cookie) }))[0]!;

  it('leads a signed-out visitor to /login, back to / signed in, and signs out for good', async () => {
    const ivy = await signedIn(gh, 'ivy'); // the account (its own API session is not the browser's)
    const context = await browser.newContext();
    const page = await context.newPage();
    const first = await page.goto(`${gh.url}/`);
    expect([first!.status(), first!.headers()['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await page.textContent('h1')).toBe('Not signed in');

    await Promise.all([page.waitForURL(`${gh.url}/login`), page.click('#sign-in')]);
    await page.fill('#username', 'ivy');
    await page.fill('#password', 'ivy-password');
    await Promise.all([page.waitForURL(`${gh.url}/`), page.click('#submit')]);
    expect(await page.textContent('h1')).toBe('Signed in');
    expect(await page.getAttribute('#principal', 'data-id')).toBe(ivy.uuid);
    expect(await page.textContent('#username')).toBe('ivy');
    const cookie = (await context.cookies(gh.url)).find((c) => c.name === 'auth')!.value;
    expect((await sessionRow(cookie)).revoked_at).toBeNull();

    await Promise.all([page.waitForURL(`${gh.url}/`), page.click('#sign-out')]);
    expect(await page.textContent('h1')).toBe('Not signed in');
    expect((await context.cookies(gh.url)).find((c) => c.name === 'auth')).toBeUndefined();
    // Ended in the database, not only forgotten by the browser: a copy of the cookie is dead too.
    expect((await sessionRow(cookie)).revoked_at).not.toBeNull();
    const replay = await fetch(`${gh.url}/`, { headers: { Cookie: `auth=${cookie}` } });
    expect(await replay.text()).toContain('<h1>Not signed in</h1>');
    await context.close();
  });

  it('refuses a sign-out POST without the CSRF token (a cross-site form), leaving the session live', async () => {
    const jo = await signedIn(gh, 'joan');
    const cookie = jo.browser.cookies.get('auth')!;
    const csrf = jo.browser.cookies.get('_csrf')!;
    for (const body of ['', `_csrf=${csrf.slice(1)}x`]) {
      const forged = await fetch(`${gh.url}/logout`, {
        method: 'POST',
        redirect: 'manual',
        headers: { Cookie: `auth=${cookie}; _csrf=${csrf}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(forged.status).toBe(403);
      expect(forged.headers.getSetCookie()).toEqual([]);
    }
    expect((await sessionRow(cookie)).revoked_at).toBeNull();
    const page = await fetch(`${gh.url}/`, { headers: { Cookie: `auth=${cookie}` } });
    expect(await page.text()).toContain(`data-id="${jo.uuid}"`);
  });
});
