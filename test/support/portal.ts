import { expect } from 'vitest';
import { NO_REQUEST } from '../../core/kernel/audit.js';
import type { Account } from '../../core/kernel/model.js';
import { createClient, type Client } from '../../generated/portal/client/index.js';
import * as portal from '../../generated/portal/sdk.gen.js';
import { startGatehouse, type StartOptions, type TestGatehouse } from './gatehouse.js';
import type { TestDatabaseKind } from './databases.js';
import { BrowserLikeClient } from './http.js';
import { must } from './simple-auth.js';

/** A Gatehouse whose portal rate limit is off unless a test asks for one. */
export function startPortalGatehouse(kind: TestDatabaseKind, settings: Record<string, unknown> = {}, options: StartOptions = {}): Promise<TestGatehouse> {
  return startGatehouse(kind, { ...options, settings: { portal: { requestsPerMinute: 0 }, ...settings } });
}

/** A portal SDK client (base path /v1) whose every response is checked against the contract. */
export function portalClient(gh: Pick<TestGatehouse, 'url'>, token?: string): Client {
  const browser = new BrowserLikeClient();
  browser.csrf = false;
  return createClient({ baseUrl: `${gh.url}/v1`, fetch: browser.fetch, headers: token ? { authorization: `Bearer ${token}` } : {} });
}

export interface Org {
  id: number;
  uuid: string;
  name: string;
}

/** Organizations have no portal operation: operators create them (the admin face, `npm run gatehouse -- orgs create`) through this service. */
export async function createOrganization(gh: TestGatehouse, name: string): Promise<Org> {
  const created = await gh.runtime.kernel.directory.createOrganization(name, NO_REQUEST);
  return { id: created.id, uuid: created.uuid, name: created.name };
}

export async function addMember(gh: TestGatehouse, org: Org, account: Account, role: string): Promise<void> {
  await gh.runtime.kernel.directory.setMember(org.uuid, account.username, role, NO_REQUEST);
}

/** An account made through the identity core; its password is `<username>-password`. */
export async function createUser(gh: TestGatehouse, username: string, options: { isAdmin?: boolean; mfaRequired?: boolean; memberOf?: [Org, string][] } = {}) {
  const created = await gh.runtime.kernel.accounts.create({ username, email: `${username}@example.com`, password: `${username}-password`, isAdmin: options.isAdmin ?? false }, NO_REQUEST);
  if (options.mfaRequired) await gh.runtime.db('accounts').where({ id: created.account.id }).update({ mfa_required: true });
  for (const [org, role] of options.memberOf ?? []) await addMember(gh, org, created.account, role);
  return { account: created.account, email: `${username}@example.com`, password: `${username}-password` };
}

/** Signs in with email and password (an account without a second factor) and returns the Token. */
export async function signIn(gh: TestGatehouse, email: string, password: string, portalId?: string) {
  const result = must(await portal.portalLogin({ client: portalClient(gh), body: { email, password, ...(portalId ? { portal_id: portalId } : {}) } }));
  const data = result.data as { access_token?: string; refresh_token?: string } | undefined;
  if (result.response.status !== 200 || !data?.access_token) throw new Error(`login failed: ${result.response.status} ${JSON.stringify(result.error ?? result.data)}`);
  return data as { access_token: string; refresh_token: string; token_type: 'bearer' };
}

/** The claims of a JWT (the tests read what the access token says). */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

/** The 6-digit code of the latest mail to `to` (mail goes out after the answer, so wait for it). */
export async function latestCode(gh: TestGatehouse, to: string, count?: number): Promise<string> {
  const mine = () => gh.mail.filter((m) => m.to === to);
  if (count !== undefined) await expect.poll(() => mine().length).toBe(count);
  else await expect.poll(() => mine().length).toBeGreaterThan(0);
  const code = /sign-in code is (\d{6})/.exec(mine().at(-1)!.text)?.[1];
  if (!code) throw new Error(`no code in mail: ${mine().at(-1)!.text}`);
  return code;
}

export const NOT_AUTHENTICATED = { detail: 'Not authenticated' } as const;
export const INVALID_CODE = { detail: 'Invalid or expired code' } as const;
