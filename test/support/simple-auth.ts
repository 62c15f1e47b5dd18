import { createClient, type Client } from '../../generated/simple-auth/client/index.js';
import type { TestGatehouse } from './gatehouse.js';
import { BrowserLikeClient } from './http.js';

export interface SimpleAuthCaller {
  browser: BrowserLikeClient;
  client: Client;
}

/**
 * A simple-auth SDK client that behaves like a browser: cookies kept, CSRF echoed, every response
 * checked against the contract. `prime` fetches the login page first, as a real browser would, so
 * the `_csrf` cookie exists.
 */
export async function simpleAuthCaller(gh: TestGatehouse, options: { prime?: boolean } = {}): Promise<SimpleAuthCaller> {
  const browser = new BrowserLikeClient();
  if (options.prime ?? true) await browser.fetch(`${gh.url}/login`);
  return { browser, client: createClient({ baseUrl: `${gh.url}/api/v1`, fetch: browser.fetch }) };
}

/** The SDK result's response, which hey-api types as possibly undefined (network failure). */
export function must<T extends { response?: Response | undefined; error?: unknown }>(result: T): T & { response: Response } {
  // The SDK catches what fetch throws (including a contract violation found by BrowserLikeClient)
  // and returns it as `error` without a response: surface it.
  if (!result.response) throw result.error instanceof Error ? result.error : new Error(`no response: ${JSON.stringify(result.error)}`);
  return result as T & { response: Response };
}
