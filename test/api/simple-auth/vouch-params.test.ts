import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sa from '../../../generated/simple-auth/sdk.gen.js';
import type { VouchData } from '../../../generated/simple-auth/types.gen.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { backend } from '../../support/oauth2.js';
import { must } from '../../support/simple-auth.js';

type Forward = NonNullable<NonNullable<VouchData['query']>['forward']>;

const FORWARDED = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'app.example.com', 'X-Forwarded-Uri': '/reports' };
const TRUE_FORMS: Forward[] = ['1', 'true', 'yes', 'on', ''];
const FALSE_FORMS: Forward[] = ['0', 'false', 'no', 'off'];

/**
 * The spellings of `forward` and `continue` that proxies' recipes send: simple-auth's own Traefik
 * example calls `vouch?forward=1`, and a hand-written `continue=https://…` is not percent-encoded.
 * The query parser is the one a proxy meets, so these go through the SDK and as raw URLs alike.
 */
describe('vouch query spellings (forward flag, unencoded continue)', () => {
  let gh: TestGatehouse;
  beforeAll(async () => {
    gh = await startGatehouse('sqlite', { settings: { authenticators: { vouch: { enabled: true } } } });
  });
  afterAll(async () => gh?.stop());

  const vouchUrl = (query: string) => `${gh.url}/api/v1/auth/vouch?${query}`;
  const raw = (query: string) => fetch(vouchUrl(query), { redirect: 'manual', headers: FORWARDED });
  const continueOf = (response: Response) => new URL(response.headers.get('location')!).searchParams.get('continue');

  it('redirects for every true form and answers 401 for every false form, through the SDK', async () => {
    const anonymous = await backend(gh);
    const status = async (forward: Forward) => must(await sa.vouch({ client: anonymous.client, query: { forward }, headers: FORWARDED })).response.status;
    expect(await Promise.all(TRUE_FORMS.map(status))).toEqual(TRUE_FORMS.map(() => 307));
    expect(await Promise.all(FALSE_FORMS.map(status))).toEqual(FALSE_FORMS.map(() => 401));
  });

  it('takes the bare flag and the empty value as true, and refuses a value it cannot read', async () => {
    for (const query of ['forward', 'forward=', 'forward=1']) {
      const redirected = await raw(query);
      expect([query, redirected.status, continueOf(redirected)]).toEqual([query, 307, 'https://app.example.com/reports']);
    }
    const unreadable = await raw('forward=maybe');
    expect(unreadable.status).toBe(400);
    expect(await unreadable.json()).toMatchObject({ error: true, reason: 'bad-request' });
    // Upper case is not a documented spelling: refused rather than guessed.
    expect((await raw('forward=TRUE')).status).toBe(400);
  });

  it('accepts an unencoded continue URL (RFC 3986 §3.4: ":" "/" "?" "@" may stand in a query)', async () => {
    const target = 'https://wiki.example.com/d/home?tab=2';
    const redirected = await raw(`forward=1&continue=${target}`);
    expect(redirected.status).toBe(307);
    expect(continueOf(redirected)).toBe(target);
    // The contract's own example, unencoded, as a person types it.
    expect(continueOf(await raw('continue=https://grafana.example.com/d/home&forward=true'))).toBe('https://grafana.example.com/d/home');
    // An encoded one reads the same.
    expect(continueOf(await raw(`forward=1&continue=${encodeURIComponent(target)}`))).toBe(target);
  });

  it('the generated SDK still percent-encodes continue, so a value with & and # survives', async () => {
    const sent: string[] = [];
    const anonymous = await backend(gh);
    const target = 'https://wiki.example.com/search?q=a&b=c#results';
    const answer = must(
      await sa.vouch({
        client: anonymous.client,
        query: { forward: '1', continue: target },
        // The client's own fetch (no redirects followed, response checked against the contract), watched.
        fetch: (input: RequestInfo | URL, init?: RequestInit) => {
          sent.push(new Request(input, init).url);
          return anonymous.browser.fetch(input, init);
        },
      }),
    );
    expect(answer.response.status).toBe(307);
    expect(sent).toHaveLength(1);
    expect(new URL(sent[0]!).search).toBe(`?forward=1&continue=${encodeURIComponent(target)}`);
    expect(continueOf(answer.response)).toBe(target);
  });
});
