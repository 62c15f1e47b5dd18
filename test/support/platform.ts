import { createClient, type Client } from '../../generated/platform/client/index.js';
import * as platform from '../../generated/platform/sdk.gen.js';
import type { TestGatehouse } from './gatehouse.js';
import { BrowserLikeClient } from './http.js';
import { must } from './simple-auth.js';

export const ADMIN = { username: 'admin', password: 'correct-horse-battery-staple', principal_name: 'platform-admin' } as const;

export interface PlatformCaller {
  client: Client;
  browser: BrowserLikeClient;
}

/**
 * A platform SDK client whose every response is checked against the contract; with a token it
 * sends `Authorization: Bearer`, with an API key `X-API-Key`.
 */
export function platformCaller(gh: TestGatehouse, credentials: { token?: string; apiKey?: string } = {}): PlatformCaller {
  const browser = new BrowserLikeClient();
  browser.csrf = false;
  const headers: Record<string, string> = {};
  if (credentials.token) headers.authorization = `Bearer ${credentials.token}`;
  if (credentials.apiKey) headers['x-api-key'] = credentials.apiKey;
  return { browser, client: createClient({ baseUrl: gh.url, fetch: browser.fetch, headers }) };
}

/** Bootstraps the first administrator of a fresh instance and returns its bearer token. */
export async function bootstrapAdmin(gh: TestGatehouse): Promise<{ token: string; principalId: string }> {
  const { client } = platformCaller(gh);
  const result = must(await platform.bootstrapComplete({ client, body: { ...ADMIN } }));
  if (result.response.status !== 201 || !result.data) throw new Error(`bootstrap failed: ${result.response.status} ${JSON.stringify(result.error)}`);
  return { token: result.data.token, principalId: result.data.principal.id };
}
