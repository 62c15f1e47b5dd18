import { NO_REQUEST } from '../../core/kernel/audit.js';
import { createClient, urlSearchParamsBodySerializer, type Client } from '../../generated/mgmt/client/index.js';
import * as mgmt from '../../generated/mgmt/sdk.gen.js';
import type { TestGatehouse } from './gatehouse.js';
import { BrowserLikeClient } from './http.js';
import { must } from './simple-auth.js';

export interface MgmtCaller {
  client: Client;
  browser: BrowserLikeClient;
}

/**
 * An mgmt SDK client (base path /api) whose every response is checked against the contract; with
 * a token it sends `Authorization: Bearer`, with `basic` the raw Basic credentials croit's
 * clients send (UTF-8, not URL-encoded).
 */
export function mgmtCaller(gh: Pick<TestGatehouse, 'url'>, credentials: { token?: string; basic?: readonly [string, string] } = {}): MgmtCaller {
  const browser = new BrowserLikeClient();
  browser.csrf = false;
  const headers: Record<string, string> = {};
  if (credentials.token) headers.authorization = `Bearer ${credentials.token}`;
  if (credentials.basic) headers.authorization = basicHeader(...credentials.basic);
  return { browser, client: createClient({ baseUrl: `${gh.url}/api`, fetch: browser.fetch, headers }) };
}

export function basicHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** SDK options for the form body croit's clients send (RFC 6749 §4.3.2, §4.4.2). */
export const form = { ...urlSearchParamsBodySerializer, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } } as const;

/** An account made through the identity core, with roles (no face creates roles yet). */
export async function createAccount(gh: TestGatehouse, username: string, options: { roles?: string[]; isAdmin?: boolean } = {}) {
  const created = await gh.runtime.kernel.accounts.create({ username, email: `${username}@example.com`, password: `${username}-password`, roles: options.roles ?? [], isAdmin: options.isAdmin ?? false }, NO_REQUEST);
  return { account: created.account, password: `${username}-password` };
}

/** Signs in with client credentials over Basic and returns the token response. */
export async function clientCredentialsLogin(gh: Pick<TestGatehouse, 'url'>, username: string, password: string) {
  const result = must(await mgmt.loginClientCredentials({ client: mgmtCaller(gh, { basic: [username, password] }).client, body: { grant_type: 'client_credentials' }, ...form }));
  if (result.response.status !== 200 || !result.data) throw new Error(`login failed: ${result.response.status} ${JSON.stringify(result.error)}`);
  return result.data;
}
