import { createClient, type Client } from '../../generated/admin/client/index.js';
import type { TestGatehouse } from './gatehouse.js';
import { BrowserLikeClient } from './http.js';

/** An admin SDK client (base /admin/v1) sending `Authorization: Bearer <token>`; every response is checked against the contract. */
export function adminCaller(gh: TestGatehouse, token?: string): Client {
  const browser = new BrowserLikeClient();
  browser.csrf = false;
  return createClient({ baseUrl: `${gh.url}/admin/v1`, fetch: browser.fetch, headers: token ? { authorization: `Bearer ${token}` } : {} });
}
