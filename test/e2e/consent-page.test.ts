import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sa from '../../generated/simple-auth/sdk.gen.js';
import { launchChromium } from '../support/browser.js';
import { DATABASES } from '../support/databases.js';
import { rows } from '../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { freePort } from '../support/net.js';
import { backend, pkce, secretHash, sha256 } from '../support/oauth2.js';
import { must, simpleAuthCaller } from '../support/simple-auth.js';

const SECRET = 'notes-client-secret-0123456789ab';

/** A person is sent to /oauth2/authorize, signs in, approves, and lands on the app with a code. */
describe.each(DATABASES)('consent page in headless Chromium on %s', (kind) => {
  let gh: TestGatehouse;
  let browser: Browser;
  let app: Server;
  let callback: string;
  const received: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    callback = `http://127.0.0.1:${port}/callback`;
    app = createServer((req, res) => {
      if (req.url?.startsWith('/callback')) received.push(req.url);
      res.setHeader('Content-Type', 'text/html');
      res.end(`<h1>notes app</h1>`);
    }).listen(port, '127.0.0.1');
    gh = await startGatehouse(kind, {
      settings: { authenticators: { oauth2: { clients: { notes: { name: 'Team Notes', author: 'Docs <Guild>', authorUrl: 'https://docs.example.com', redirectUris: [callback], scopes: ['email', 'username'], secretHash: secretHash(SECRET) } } } } },
    });
    gh.clock.set(new Date());
    const { client } = await simpleAuthCaller(gh);
    must(await sa.createAccount({ client, body: { username: 'hedy', email: 'hedy@example.com', password: 'hedy-password' } }));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gh?.stop();
    await new Promise((r) => app?.close(r));
  });

  const authorizeUrl = (params: Record<string, string>) => `${gh.url}/oauth2/authorize?${new URLSearchParams({ client_id: 'notes', response_type: 'code', redirect_uri: callback, ...params })}`;

  async function signIn(page: Page): Promise<void> {
    await page.waitForURL(/\/login\?continue=/);
    await page.fill('#username', 'hedy');
    await page.fill('#password', 'hedy-password');
    await page.click('#submit');
  }

  it('logs in, shows the client and scopes, approves and lands on the redirect URI with code and state', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { verifier, challenge } = pkce();
    await page.goto(authorizeUrl({ scope: 'email username', state: 'st-42', code_challenge: challenge, code_challenge_method: 'S256' }));
    await signIn(page);
    await page.waitForSelector('#consent:not([hidden])');
    expect(await page.textContent('#client-name')).toBe('Team Notes');
    expect(await page.textContent('.author')).toBe('by Docs <Guild>');
    expect(await page.$$eval('#scopes li', (items) => items.map((li) => li.getAttribute('data-scope')))).toEqual(['email', 'username']);
    const csp = (await page.goto(page.url()))!.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'nonce-");
    await page.waitForSelector('#consent:not([hidden])');

    await Promise.all([page.waitForURL(new RegExp(`^${callback}\\?`)), page.click('#approve')]);
    const landed = new URL(page.url());
    expect(landed.searchParams.get('state')).toBe('st-42');
    expect(landed.searchParams.get('iss')).toBe(gh.url);
    const code = landed.searchParams.get('code')!;
    expect(code).toMatch(/^[\w-]{43}$/);
    expect(await page.textContent('h1')).toBe('notes app');
    expect(received.at(-1)).toBe(`${landed.pathname}${landed.search}`);

    // The code is real: the app's back end redeems it with the PKCE verifier.
    const rp = await backend(gh);
    const tokens = must(await sa.grantToken({ client: rp.client, body: { grant_type: 'authorization_code', client_id: 'notes', client_secret: SECRET, code, redirect_uri: callback, code_verifier: verifier } }));
    expect(tokens.response.status).toBe(200);
    const [row] = await rows(gh.runtime.db, 'oauth2_tokens', { token_hash: sha256(code) });
    expect(row).toMatchObject({ type: 'code', code_challenge: challenge, scope: 'email username' });

    // Next visit with the same scopes: auto-grant, straight back to the app without a click.
    await page.goto(authorizeUrl({ scope: 'email username', state: 'again' }));
    await page.waitForURL((url) => url.href.startsWith(`${callback}?`) && url.searchParams.get('state') === 'again');
    expect(new URL(page.url()).searchParams.get('state')).toBe('again');
    expect(new URL(page.url()).searchParams.get('code')).toMatch(/^[\w-]{43}$/);
    await context.close();
  });

  it('sends the user back with error=access_denied and the state on deny', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(authorizeUrl({ scope: 'email', state: 'no-thanks' }));
    await signIn(page);
    await page.waitForSelector('#consent:not([hidden])');
    await Promise.all([page.waitForURL(new RegExp(`^${callback}\\?`)), page.click('#deny')]);
    const landed = new URL(page.url());
    expect(Object.fromEntries(landed.searchParams)).toEqual({ error: 'access_denied', state: 'no-thanks', iss: gh.url });
    await context.close();
  });

  it('never redirects to an unregistered redirect URI', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${gh.url}/oauth2/authorize?client_id=notes&response_type=code&redirect_uri=${encodeURIComponent('https://evil.example.net/cb')}`);
    expect(response!.status()).toBe(400);
    expect(page.url()).toMatch(new RegExp(`^${gh.url}/oauth2/authorize`));
    expect(await page.textContent('#error')).toBe('The redirect URI is not registered for this application.');
    await page.close();
  });
});
