import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sa from '../../generated/simple-auth/sdk.gen.js';
import { launchChromium } from '../support/browser.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { freePort } from '../support/net.js';
import { must, simpleAuthCaller } from '../support/simple-auth.js';
import { totpAt } from '../support/totp-reference.js';

/** A person signs in on /login with password and TOTP and lands where they were going. */
describe('login page in headless Chromium', () => {
  let gh: TestGatehouse;
  let browser: Browser;
  let app: Server;
  let appOrigin: string;
  let secret: string;

  beforeAll(async () => {
    const appPort = await freePort();
    appOrigin = `http://127.0.0.1:${appPort}`;
    app = createServer((req, res) => res.end(`<h1>app ${req.url}</h1>`)).listen(appPort, '127.0.0.1');
    gh = await startGatehouse('sqlite', {
      settings: { login: { landingPage: '/healthz', allowedContinueUrls: [`${appOrigin.replace(/\./g, '\\.')}/.*`] } },
    });
    // The clock drives TOTP on the server; the page runs in real time, so keep them together.
    gh.clock.set(new Date());
    const { client } = await simpleAuthCaller(gh);
    must(await sa.createAccount({ client, body: { username: 'grace', email: 'grace@example.com', password: 'grace-password' }, query: { createSession: true } }));
    secret = must(await sa.get2FaSecret({ client })).data!.secret;
    must(await sa.activate2Fa({ client, body: { secret, code: totpAt(secret, gh.clock.now()) } }));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gh?.stop();
    await new Promise((r) => app?.close(r));
  });

  it('asks for the TOTP code after the password and lands on the allowed continue URL', async () => {
    const page = await browser.newPage();
    await page.goto(`${gh.url}/login?continue=${encodeURIComponent(`${appOrigin}/reports?q=1`)}`);
    await page.fill('#username', 'grace');
    await page.fill('#password', 'grace-password');
    await page.click('#submit');
    await page.waitForSelector('#totp', { state: 'visible' });
    gh.clock.advance(30); // the enrolment code's step is spent
    await page.fill('#totp', totpAt(secret, gh.clock.now()));
    await Promise.all([page.waitForURL(`${appOrigin}/reports?q=1`), page.click('#submit')]);
    expect(await page.textContent('h1')).toBe('app /reports?q=1');
    const cookies = await page.context().cookies(gh.url);
    expect(cookies.find((c) => c.name === 'auth')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await page.close();
  });

  it('is not sent to a continue URL outside the allow-list', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${gh.url}/login?continue=${encodeURIComponent('https://evil.example.net/phish')}`);
    await page.fill('#username', 'grace');
    await page.fill('#password', 'grace-password');
    await page.click('#submit');
    await page.waitForSelector('#totp', { state: 'visible' });
    gh.clock.advance(30);
    await page.fill('#totp', totpAt(secret, gh.clock.now()));
    await Promise.all([page.waitForURL(`${gh.url}/healthz`), page.click('#submit')]);
    expect(page.url()).toBe(`${gh.url}/healthz`);
    await context.close();
  });

  it('shows an error for a wrong password and stays on the page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${gh.url}/login`);
    await page.fill('#username', 'grace');
    await page.fill('#password', 'not-the-password');
    await page.click('#submit');
    await expect.poll(() => page.textContent('#error')).toBe('Wrong username or password.');
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  });
});
