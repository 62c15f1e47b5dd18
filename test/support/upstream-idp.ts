import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Page } from 'playwright-core';
import Provider from 'oidc-provider';
import type { Client } from '../../generated/platform/client/index.js';
import * as platform from '../../generated/platform/sdk.gen.js';
import type { UpsertOidcProviderData } from '../../generated/platform/types.gen.js';
import { freePort } from './net.js';
import { must } from './simple-auth.js';

/** What the upstream knows about a person: OIDC standard claims (Core §5.1). */
export interface UpstreamUser {
  sub: string;
  email: string;
  email_verified: boolean;
  preferred_username: string;
  name: string;
  /** group memberships (Okta's `groups` claim), released with the `groups` scope */
  groups?: string[];
}

export interface UpstreamOptions {
  /**
   * Put the requested scopes' claims in the ID token itself, as Okta's Sign-In widget gets them
   * (node-oidc-provider's `conformIdTokenClaims: false`); by default they come from userinfo only.
   */
  claimsInIdToken?: boolean;
  /** further confidential clients (same secret and redirect URI): another application at the same issuer */
  extraClientIds?: string[];
}

export interface UpstreamIdp {
  /** `http://127.0.0.1:<port>`, exactly as the discovery document and ID tokens carry it */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** the person behind a login name typed on the upstream's sign-in page */
  user(login: string): UpstreamUser;
  /** errors the provider reported while serving (a failing test shows them) */
  errors: unknown[];
  stop(): Promise<void>;
}

/** Every login name is a person: `ada` is ada@upstream.example, verified. */
export function defaultUser(login: string): UpstreamUser {
  return { sub: login, email: `${login}@upstream.example`, email_verified: true, preferred_username: login, name: `${login[0]!.toUpperCase()}${login.slice(1)} Upstream` };
}

/**
 * A real OpenID provider (node-oidc-provider) on loopback: one confidential client redirecting to
 * `redirectUri`, PKCE required, and the library's development sign-in and consent pages, which
 * accept any login name, so a browser can walk through them. The ID token stays conformant (only
 * `sub` and protocol claims; profile and email come from the userinfo endpoint, OIDC Core §5.4),
 * as with Okta or Auth0, so the relying party has to ask for them like it would in production.
 */
export async function startUpstreamIdp(redirectUri: string, user: (login: string) => UpstreamUser = defaultUser, options: UpstreamOptions = {}): Promise<UpstreamIdp> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'gatehouse-ui';
  const clientSecret = randomBytes(24).toString('base64url');
  const client = (id: string) => ({ client_id: id, client_secret: clientSecret, redirect_uris: [redirectUri], token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code'], response_types: ['code'] });
  const provider = new Provider(issuer, {
    clients: [clientId, ...(options.extraClientIds ?? [])].map(client),
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ ...user(sub) }) }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'], groups: ['groups'] },
    conformIdTokenClaims: !options.claimsInIdToken,
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    // Explicit lifetimes keep the library from printing a notice per artifact type.
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    features: { devInteractions: { enabled: true } },
  });
  const errors: unknown[] = [];
  for (const event of ['server_error', 'grant.error', 'authorization.error']) provider.on(event, (_ctx, error) => errors.push(error));
  const server = createServer(provider.callback());
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    clientId,
    clientSecret,
    user,
    errors,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Signs in on the upstream's development login page and approves the consent screen. */
export async function signInUpstream(page: Page, idp: UpstreamIdp, login: string): Promise<void> {
  await page.waitForURL(`${idp.issuer}/interaction/**`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', 'any-password');
  await page.click('button[type=submit]');
  await page.waitForSelector('input[name=prompt][value=consent]', { state: 'attached' });
  await page.click('button[type=submit]');
}

/** Points Gatehouse's web UI login at the upstream through the platform SDK (an admin client). */
export async function useUpstream(admin: Client, idp: UpstreamIdp, overrides: Partial<UpsertOidcProviderData['body']> = {}): Promise<void> {
  const body = { enabled: true, issuer_url: idp.issuer, client_id: idp.clientId, client_secret: idp.clientSecret, ...overrides };
  const put = must(await platform.upsertOidcProvider({ client: admin, body }));
  if (put.response.status !== 204) throw new Error(`provider not stored: ${JSON.stringify(put.error)}`);
}
