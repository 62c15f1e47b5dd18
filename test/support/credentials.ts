import forge from 'node-forge';
import { createClient, type Client } from '../../generated/credentials/client/index.js';
import * as platform from '../../generated/platform/sdk.gen.js';
import * as sa from '../../generated/simple-auth/sdk.gen.js';
import type { TestGatehouse } from './gatehouse.js';
import { BrowserLikeClient } from './http.js';
import { ADMIN, bootstrapAdmin, platformCaller } from './platform.js';
import { must, simpleAuthCaller } from './simple-auth.js';

/**
 * A credentials SDK client (base path /api/web) whose every response is checked against the
 * contract; it sends `Authorization: APIToken <token>` or `Authorization: Bearer <token>`.
 */
export function credentialsCaller(gh: TestGatehouse, credentials: { apiToken?: string; bearer?: string; authorization?: string } = {}): Client {
  const browser = new BrowserLikeClient();
  browser.csrf = false;
  const headers: Record<string, string> = {};
  if (credentials.apiToken) headers.authorization = `APIToken ${credentials.apiToken}`;
  if (credentials.bearer) headers.authorization = `Bearer ${credentials.bearer}`;
  if (credentials.authorization) headers.authorization = credentials.authorization;
  return createClient({ baseUrl: `${gh.url}/api/web`, fetch: browser.fetch, headers });
}

export type TestUser = 'admin' | 'dana' | 'erin';

const PASSWORDS: Record<TestUser, string> = { admin: ADMIN.password, dana: 'dana-password', erin: 'erin-password' };

/** Bootstraps the first administrator and creates two plain users, dana and erin (with emails). */
export async function createCredentialsUsers(gh: TestGatehouse): Promise<void> {
  await bootstrapAdmin(gh);
  for (const username of ['dana', 'erin'] as const) {
    const signup = await simpleAuthCaller(gh);
    must(await sa.createAccount({ client: signup.client, body: { username, email: `${username}@example.com`, password: PASSWORDS[username] } }));
  }
}

/** A fresh bearer token of the user (signed in now, so a clock moved by the test does not expire it). */
export async function bearerOf(gh: TestGatehouse, username: TestUser): Promise<string> {
  const login = must(await platform.localLogin({ client: platformCaller(gh).client, body: { username, password: PASSWORDS[username] } }));
  if (!login.data) throw new Error(`login of ${username} failed: ${login.response.status}`);
  return login.data.token;
}

/** A credentials client signed in as the user with a fresh bearer token. */
export async function as(gh: TestGatehouse, username: TestUser): Promise<Client> {
  return credentialsCaller(gh, { bearer: await bearerOf(gh, username) });
}

/** The ErrorInfo reason of a grpc-gateway error body. */
export function reasonOf(error: unknown): string | undefined {
  const details = (error as { details?: { '@type': string; reason?: string }[] } | undefined)?.details ?? [];
  return details.find((d) => d['@type'].endsWith('google.rpc.ErrorInfo'))?.reason;
}

/** Opens a base64 PKCS#12 bundle with the password (throws on a wrong one): its certificates and private key. */
export function openP12(data: string, password: string): { certs: forge.pki.Certificate[]; key: forge.pki.rsa.PrivateKey | undefined } {
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(Buffer.from(data, 'base64').toString('binary')), password);
  const certBag = forge.pki.oids.certBag as string;
  const keyBag = forge.pki.oids.pkcs8ShroudedKeyBag as string;
  const certs = (p12.getBags({ bagType: certBag })[certBag] ?? []).flatMap((b: forge.pkcs12.Bag) => (b.cert ? [b.cert] : []));
  const keys = p12.getBags({ bagType: keyBag })[keyBag] ?? [];
  return { certs, key: keys[0]?.key as forge.pki.rsa.PrivateKey | undefined };
}
