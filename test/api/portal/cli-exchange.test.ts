import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as portal from '../../../generated/portal/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { auditMessages, rows } from '../../support/db-assert.js';
import type { TestGatehouse } from '../../support/gatehouse.js';
import { claimsOf, createOrganization, createUser, INVALID_CODE, NOT_AUTHENTICATED, portalClient, signIn, startPortalGatehouse, type Org } from '../../support/portal.js';
import { must } from '../../support/simple-auth.js';

describe.each(DATABASES)('portal CLI-to-browser exchange on %s', (kind) => {
  let gh: TestGatehouse;
  let northwind: Org;
  let contoso: Org;
  let olga: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    gh = await startPortalGatehouse(kind);
    northwind = await createOrganization(gh, 'Northwind Traders');
    contoso = await createOrganization(gh, 'Contoso');
    olga = await createUser(gh, 'olga', { memberOf: [[northwind, 'member'], [contoso, 'member']] });
  });
  afterAll(async () => gh?.stop());

  const mint = async (token?: string) => must(await portal.generateCliBrowserToken({ client: portalClient(gh, token) }));
  const consume = async (body: { code?: string; exchange_code?: string }) => must(await portal.consumeCliBrowserToken({ client: portalClient(gh), body: body as never }));

  it('mints a single-use code (hash only at rest) that a browser trades for a new session of the same user and organization', async () => {
    const cli = await signIn(gh, olga.email, olga.password);
    const switched = must(await portal.switchOrg({ client: portalClient(gh, cli.access_token), body: { id: contoso.uuid } })).data!;
    const minted = await mint(switched.access_token);
    expect(minted.response.status).toBe(200);
    expect(minted.response.headers.get('cache-control')).toBe('no-store');
    const code = minted.data!.exchange_code;
    expect(minted.data).toEqual({ exchange_code: expect.stringMatching(/^[\w-]{43}$/), expires_in: 120, login_url: `${gh.url}/cli-login?code=${code}` });
    const [stored] = await rows(gh.runtime.db, 'portal_codes', { account_id: olga.account.id, purpose: 'cli-exchange' });
    expect(stored).toMatchObject({ organization_id: contoso.id, actor_account_id: null, used_at: null });
    expect(JSON.stringify(stored)).not.toContain(code);

    const browser = await consume({ code, exchange_code: 'ignored-when-code-is-sent' });
    expect(browser.response.status).toBe(200);
    expect(browser.response.headers.get('cache-control')).toBe('no-store');
    expect(claimsOf(browser.data!.access_token)).toMatchObject({ sub: olga.account.uuid, org: contoso.uuid });
    // A new session: its own grant, not the CLI's.
    const cliGrant = (await rows(gh.runtime.db, 'oauth2_tokens', { jti: claimsOf(switched.access_token).jti }))[0]!.grant_id;
    const browserGrant = (await rows(gh.runtime.db, 'oauth2_tokens', { jti: claimsOf(browser.data!.access_token).jti }))[0]!.grant_id;
    expect(browserGrant).not.toBe(cliGrant);
    const [used] = await rows(gh.runtime.db, 'portal_codes', { id: stored!.id });
    expect(used!.used_at).not.toBeNull();

    const replay = await consume({ exchange_code: code });
    expect([replay.response.status, replay.error]).toEqual([400, INVALID_CODE]);
    expect(await auditMessages(gh.runtime.db, olga.account.id)).toEqual(expect.arrayContaining(['CLI browser exchange code issued', 'CLI browser exchange code redeemed']));
  });

  it('refuses unknown and expired codes alike, and one of two racing redemptions', async () => {
    const cli = await signIn(gh, olga.email, olga.password);
    expect((await consume({ code: 'no-such-code' })).error).toEqual(INVALID_CODE);
    const expired = (await mint(cli.access_token)).data!.exchange_code;
    gh.clock.advance(121);
    const late = await consume({ exchange_code: expired });
    expect([late.response.status, late.error]).toEqual([400, INVALID_CODE]);
    gh.clock.advance(-121);

    const raced = (await mint(cli.access_token)).data!.exchange_code;
    const results = await Promise.all([consume({ code: raced }), consume({ code: raced }), consume({ code: raced })]);
    expect(results.map((r) => r.response.status).sort()).toEqual([200, 400, 400]);
  });

  it('needs a bearer token to mint and a code to consume (422)', async () => {
    const anonymous = await mint();
    expect([anonymous.response.status, anonymous.error]).toEqual([401, NOT_AUTHENTICATED]);
    expect(anonymous.response.headers.get('www-authenticate')).toBe('Bearer');
    const empty = await consume({});
    expect(empty.response.status).toBe(422);
    expect((empty.error as { detail: { loc: string[] }[] }).detail[0]!.loc[0]).toBe('body');
  });
});

describe.each(DATABASES)('portal request limits per client address on %s', (kind) => {
  let gh: TestGatehouse;

  beforeAll(async () => {
    gh = await startPortalGatehouse(kind, { portal: { requestsPerMinute: 3 } });
  });
  afterAll(async () => gh?.stop());

  it('answers 429 with Retry-After once an address exceeds the public operations\' limit, then recovers', async () => {
    const call = async () => must(await portal.consumeCliBrowserToken({ client: portalClient(gh), body: { code: 'guess' } }));
    for (let i = 0; i < 3; i++) expect((await call()).response.status).toBe(400);
    const limited = await call();
    expect([limited.response.status, limited.error]).toEqual([429, { detail: 'Too many requests. Try again later.' }]);
    expect(Number(limited.response.headers.get('retry-after'))).toBeGreaterThan(0);
    gh.clock.advance(60);
    expect((await call()).response.status).toBe(400);
  });
});
