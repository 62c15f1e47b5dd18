import * as cred from '../../generated/credentials/sdk.gen.js';
import { createClient, type Client } from '../../generated/scim/client/index.js';
import { as } from './credentials.js';
import type { TestGatehouse } from './gatehouse.js';
import { BrowserLikeClient } from './http.js';
import { bootstrapAdmin } from './platform.js';
import { must } from './simple-auth.js';

/** A SCIM SDK client (base /scim/v2) sending `Authorization: Bearer <token>`; every response is checked against the contract. */
export function scimCaller(gh: TestGatehouse, token?: string): Client {
  const browser = new BrowserLikeClient();
  browser.csrf = false;
  return createClient({ baseUrl: `${gh.url}/scim/v2`, fetch: browser.fetch, headers: token ? { authorization: `Bearer ${token}` } : {} });
}

/** Makes the tenant's SCIM token as the first administrator (bootstrapping one if needed), as an operator does before configuring the identity provider. */
export async function scimToken(gh: TestGatehouse, options: { bootstrap?: boolean } = {}): Promise<string> {
  if (options.bootstrap) await bootstrapAdmin(gh);
  const admin = await as(gh, 'admin');
  const created = must(await cred.recreateScimToken({ client: admin, path: { namespace: 'system' }, body: {} }));
  if (!created.data) throw new Error(`recreateScimToken answered ${created.response.status}`);
  return created.data.data;
}
