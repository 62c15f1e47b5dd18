import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as portal from '../../generated/portal/sdk.gen.js';
import { PORTAL_TOKEN_KEY } from '../../server/pages/portal.js';
import { launchChromium } from '../support/browser.js';
import type { TestGatehouse } from '../support/gatehouse.js';
import { claimsOf, createOrganization, createUser, portalClient, signIn, startPortalGatehouse } from '../support/portal.js';
import { must } from '../support/simple-auth.js';

/** The portal's emailed and CLI links, opened by a person in headless Chromium. */
describe('portal pages in headless Chromium', () => {
  let gh: TestGatehouse;
  let browser: Browser;
  let vera: Awaited<ReturnType<typeof createUser>>;
  let orgUuid: string;

  beforeAll(async () => {
    gh = await startPortalGatehouse('sqlite', { login: { landingPage: '/healthz' } });
    const org = await createOrganization(gh, 'Northwind');
    orgUuid = org.uuid;
    vera = await createUser(gh, 'vera', { memberOf: [[org, 'member']] });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gh?.stop();
  });

  it('/cli-login redeems the code once, hides it from the address bar, and leaves the tokens for the web app', async () => {
    const cli = await signIn(gh, vera.email, vera.password);
    const { login_url: loginUrl } = must(await portal.generateCliBrowserToken({ client: portalClient(gh, cli.access_token) })).data!;
    const page = await browser.newPage();
    const response = await page.goto(loginUrl);
    expect(response!.headers()['referrer-policy']).toBe('no-referrer');
    expect(response!.headers()['cache-control']).toBe('no-store');
    await page.waitForURL(`${gh.url}/healthz`);
    const stored = JSON.parse((await page.evaluate((key) => sessionStorage.getItem(key), PORTAL_TOKEN_KEY))!) as { access_token: string };
    expect(claimsOf(stored.access_token)).toMatchObject({ sub: vera.account.uuid, org: orgUuid });

    const again = await browser.newPage();
    await again.goto(loginUrl);
    await expect.poll(() => again.textContent('#status')).toBe('This link has expired or was already used. Run the CLI command again.');
    expect(new URL(again.url()).search).toBe('');
    await page.close();
    await again.close();
  });

  it('/portal/approve approves a sign-in with the token this browser holds, never with the link alone', async () => {
    const wes = await createUser(gh, 'wes');
    const started = must(await portal.requestMagicCode({ client: portalClient(gh), body: { email: wes.email } }));
    const sessionId = started.data!.login_session_id!;
    await expect.poll(() => gh.mail.filter((m) => m.to === wes.email).length).toBe(1);
    const link = /(http\S+\/portal\/approve\S+)/.exec(gh.mail.find((m) => m.to === wes.email)!.text)![1]!;

    // A forwarded mail opened elsewhere approves nothing.
    const stranger = await browser.newPage();
    await stranger.goto(link);
    await expect.poll(() => stranger.textContent('#status')).toBe('Open this link on a device where you are signed in to the portal.');
    expect(await stranger.isHidden('#decide')).toBe(true);

    const device = await signIn(gh, wes.email, wes.password);
    const page = await browser.newPage();
    await page.goto(`${gh.url}/healthz`);
    await page.evaluate(([key, value]) => sessionStorage.setItem(key!, value!), [PORTAL_TOKEN_KEY, JSON.stringify(device)]);
    await page.goto(link);
    expect(new URL(page.url()).search).toBe('');
    await page.click('#approve');
    await expect.poll(() => page.textContent('#status')).toBe('Approved. The other device is signing in.');
    const polled = must(await portal.loginStatus({ client: portalClient(gh), query: { email: wes.email, session_id: sessionId } }));
    expect(polled.data).toMatchObject({ status: 'approved', access_token: expect.any(String) });
    expect(claimsOf(polled.data!.access_token!)).toMatchObject({ sub: wes.account.uuid });
    await stranger.close();
    await page.close();
  });

  it('/reset-password checks the emailed link, enforces the rules, sets the password once', async () => {
    must(await portal.portalForgotPassword({ client: portalClient(gh), body: { email: vera.email } }));
    await expect.poll(() => gh.mail.filter((m) => m.subject === 'Reset your password').length).toBe(1);
    const link = /(http\S+)/.exec(gh.mail.find((m) => m.subject === 'Reset your password')!.text)![1]!;
    const page = await browser.newPage();
    await page.goto(link);
    await page.waitForSelector('#password', { state: 'visible' });
    expect(new URL(page.url()).search).toBe('');
    await page.fill('#password', 'short');
    await page.fill('#confirm', 'short');
    await page.click('#submit');
    await expect.poll(() => page.textContent('#error')).toBe('Password must be at least 8 characters');
    await page.fill('#password', 'n3w-Lantern-orchard');
    await page.fill('#confirm', 'n3w-Lantern-orchard');
    await page.click('#submit');
    await expect.poll(() => page.textContent('#status')).toBe('Password has been reset. Please sign in again.');
    await signIn(gh, vera.email, 'n3w-Lantern-orchard');

    const reused = await browser.newPage();
    await reused.goto(link);
    await expect.poll(() => reused.textContent('#status')).toBe('This link has expired or was already used. Ask for a new one.');
    expect(await reused.isHidden('#reset')).toBe(true);
    await page.close();
    await reused.close();
  });
});
