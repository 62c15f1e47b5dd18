import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { urlSearchParamsBodySerializer } from '../../generated/simple-auth/client/index.js';
import * as sa from '../../generated/simple-auth/sdk.gen.js';
import type { TestGatehouse } from './gatehouse.js';
import { must, simpleAuthCaller, type Reachable, type SimpleAuthCaller } from './simple-auth.js';

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export const secretHash = (secret: string) => `sha256:${sha256(secret)}`;

export const GRAFANA = { id: 'grafana', secret: 'grafana-client-secret-0123456789', redirect: 'https://grafana.example.com/login/generic_oauth' };
export const WIKI = { id: 'wiki', secret: 'wiki-client-secret-abcdefghijklmn', redirect: 'https://wiki.example.com/oauth/callback' };
export const CLI = { id: 'cli', redirect: 'http://127.0.0.1:53682/callback' };
export const LEGACY = { id: 'legacy', secret: 'legacy-client-secret-zyxwvutsrqpo', redirect: 'https://legacy.example.com/cb' };

/** The clients every OAuth2 test instance knows (exercising public, OIDC and per-client overrides). */
export function oauth2Settings(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    authenticators: {
      oauth2: {
        clients: {
          grafana: { name: 'Grafana', author: 'Platform Team', authorUrl: 'https://platform.example.com', redirectUris: [GRAFANA.redirect], scopes: ['email', 'username'], secretHash: secretHash(GRAFANA.secret), oidc: true },
          wiki: { name: 'Wiki', redirectUris: [WIKI.redirect], scopes: ['email', 'username'], secretHash: secretHash(WIKI.secret), allowAutoGrant: false, revokeOldTokens: true },
          cli: { name: 'Command line', redirectUris: [CLI.redirect], scopes: ['email'], public: true },
          legacy: { name: 'Legacy', redirectUris: [LEGACY.redirect], scopes: ['email', 'username'], secretHash: secretHash(LEGACY.secret), allowCredentials: true, issueRefreshToken: false, reuseToken: true },
        },
        ...extra,
      },
    },
  };
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** SDK options for an application/x-www-form-urlencoded body (RFC 6749 §4.1.3). */
export const form = { ...urlSearchParamsBodySerializer, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } } as const;

/** A browser with an account and a session (created through the API). */
export async function signedIn(gh: Reachable, username: string): Promise<SimpleAuthCaller & { uuid: string }> {
  const caller = await simpleAuthCaller(gh);
  const created = must(await sa.createAccount({ client: caller.client, body: { username, email: `${username}@example.com`, password: `${username}-password` }, query: { createSession: true } }));
  if (created.response.status !== 200) throw new Error(`account not created: ${JSON.stringify(created.error)}`);
  return { ...caller, uuid: created.data!.id };
}

/** A server-side caller (no cookies, no CSRF): what a relying party's back end is. */
export async function backend(gh: Reachable): Promise<SimpleAuthCaller> {
  const caller = await simpleAuthCaller(gh, { prime: false });
  caller.browser.csrf = false;
  return caller;
}

export async function jwks(gh: TestGatehouse) {
  const response = await fetch(`${gh.url}/.well-known/jwks.json`);
  return (await response.json()) as { keys: { kid: string; kty: string; crv: string; x: string; alg: string; use: string }[] };
}

/** Verifies a JWT against the published JWKS, as a resource server would. */
export async function verifyWithJwks(gh: TestGatehouse, token: string, audience: string): Promise<JWTPayload> {
  const set = createLocalJWKSet((await jwks(gh)) as never);
  const { payload } = await jwtVerify(token, set, { issuer: gh.config.server.publicUrl, audience, currentDate: gh.clock.now() });
  return payload;
}

export { decodeJwt, decodeProtectedHeader };

/** Consent through the API, then the code: the common first half of the code flow. */
export async function codeFor(user: SimpleAuthCaller, body: Parameters<typeof sa.authorizeGrant>[0]['body']): Promise<string> {
  const granted = must(await sa.authorizeGrant({ client: user.client, body }));
  if (granted.response.status !== 200) throw new Error(`no code: ${JSON.stringify(granted.error)}`);
  return granted.data!.code;
}
