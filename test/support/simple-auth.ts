import { createClient, type Client } from '../../generated/simple-auth/client/index.js';
import * as sa from '../../generated/simple-auth/sdk.gen.js';
import type { TestGatehouse } from './gatehouse.js';
import { BrowserLikeClient } from './http.js';
import { totpAt } from './totp-reference.js';

/** Where a Gatehouse answers: a test instance, or the benchmark's own. */
export type Reachable = Pick<TestGatehouse, 'url'>;

export interface SimpleAuthCaller {
  browser: BrowserLikeClient;
  client: Client;
}

/**
 * A simple-auth SDK client that behaves like a browser: cookies kept, CSRF echoed, every response
 * checked against the contract. `prime` fetches the login page first, as a real browser would, so
 * the `_csrf` cookie exists.
 */
export async function simpleAuthCaller(gh: Reachable, options: { prime?: boolean } = {}): Promise<SimpleAuthCaller> {
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

/** A caller that presents this session cookie and nothing else: a copied, replayed or forwarded cookie. */
export async function callerWithCookie(gh: Reachable, sessionCookie: string, name = 'auth'): Promise<SimpleAuthCaller> {
  const caller = await simpleAuthCaller(gh, { prime: false });
  caller.browser.cookies.set(name, sessionCookie);
  return caller;
}

/**
 * Enrols TOTP for the caller's account through the API and returns the base32 secret. The
 * enrolment code's time step is then spent (replays are refused), so the next login code must
 * come from a later step: advance the clock 30 s first.
 */
export async function enrolTotp(gh: Pick<TestGatehouse, 'clock'>, caller: SimpleAuthCaller): Promise<string> {
  const secret = must(await sa.get2FaSecret({ client: caller.client })).data!.secret;
  const activated = must(await sa.activate2Fa({ client: caller.client, body: { secret, code: totpAt(secret, gh.clock.now()) } }));
  if (activated.response.status !== 200) throw new Error(`TOTP not enrolled: ${JSON.stringify(activated.error)}`);
  return secret;
}
