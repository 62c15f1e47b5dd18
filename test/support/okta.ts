import { createHash, randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { signInUpstream, type UpstreamIdp } from './upstream-idp.js';

/**
 * Where the upstream sends the browser back: the single-page app that hosts Okta's Sign-In widget.
 * Nothing listens there; the browser's request is answered by the test (page.route).
 */
export const WIDGET_CALLBACK = 'http://127.0.0.1:9/okta-widget/callback';

/** Okta-shaped settings for a Gatehouse instance pointed at the upstream. */
export function oktaSettings(idp: Pick<UpstreamIdp, 'issuer' | 'clientId'>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { mgmt: { okta: { enabled: true, issuer: idp.issuer, clientId: idp.clientId, mapRoles: { admin: 'croit-admins', viewer: 'croit-viewers' }, ...extra } } };
}

/**
 * What the Sign-In widget does for the front end: a person signs in at the issuer in a fresh
 * browser (code flow with PKCE, RFC 7636), and the code is redeemed at the token endpoint for an
 * ID token carrying the profile, email and groups claims.
 */
export async function idTokenFor(browser: Browser, idp: UpstreamIdp, login: string, clientId = idp.clientId): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${idp.issuer}/auth`);
  for (const [name, value] of Object.entries({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: WIDGET_CALLBACK,
    scope: 'openid profile email groups',
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  })) {
    authorize.searchParams.set(name, value);
  }
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.route((url) => url.href.startsWith(WIDGET_CALLBACK), (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'signed in' }));
    const callback = page.waitForRequest((request) => request.url().startsWith(WIDGET_CALLBACK));
    await page.goto(authorize.href);
    await signInUpstream(page, idp, login);
    const code = new URL((await callback).url()).searchParams.get('code');
    if (!code) throw new Error(`no code in the callback: ${(await callback).url()}`);
    const response = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${idp.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: WIDGET_CALLBACK, code_verifier: verifier }),
    });
    const tokens = (await response.json()) as { id_token?: string };
    if (!tokens.id_token) throw new Error(`no ID token: ${response.status} ${JSON.stringify(tokens)}`);
    return tokens.id_token;
  } finally {
    await context.close();
  }
}
