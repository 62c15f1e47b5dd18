import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as portal from '../../../generated/portal/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { auditMessages, rows } from '../../support/db-assert.js';
import type { TestGatehouse } from '../../support/gatehouse.js';
import { sha256 } from '../../support/oauth2.js';
import { claimsOf, createOrganization, createUser, portalClient, signIn, startPortalGatehouse, type Org } from '../../support/portal.js';
import { must } from '../../support/simple-auth.js';

const INVALID = { detail: 'Invalid refresh token' };

/** POST /v1/oauth2/refresh, as Valstorm's CLI calls it: rotation, reuse detection, claims carried over. */
describe.each(DATABASES)('portal token refresh on %s', (kind) => {
  let gh: TestGatehouse;
  let northwind: Org;
  let rita: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    gh = await startPortalGatehouse(kind);
    northwind = await createOrganization(gh, 'Northwind Refreshers');
    rita = await createUser(gh, 'rita', { memberOf: [[northwind, 'admin']] });
  });
  afterAll(async () => gh?.stop());

  const refresh = async (refreshToken: string) => must(await portal.refreshPortalToken({ client: portalClient(gh), body: { refresh_token: refreshToken } }));
  const load = async (accessToken: string) => must(await portal.initialLoad({ client: portalClient(gh, accessToken) })).response.status;

  it('rotates: a new pair with the same org claim, the old refresh token spent, the sign-in end kept', async () => {
    const first = await signIn(gh, rita.email, rita.password, northwind.uuid);
    gh.clock.advance(60);
    const next = await refresh(first.refresh_token);
    expect(next.response.status).toBe(200);
    expect(next.response.headers.get('cache-control')).toBe('no-store');
    expect(next.data).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'bearer' });
    expect(next.data!.refresh_token).not.toBe(first.refresh_token);
    expect(claimsOf(next.data!.access_token)).toMatchObject({ sub: rita.account.uuid, org: northwind.uuid });
    expect(await load(next.data!.access_token)).toBe(200);
    // Same grant, same end: the refresh did not extend the sign-in.
    const [spent] = await rows(gh.runtime.db, 'oauth2_tokens', { token_hash: sha256(first.refresh_token) });
    const [fresh] = await rows(gh.runtime.db, 'oauth2_tokens', { token_hash: sha256(next.data!.refresh_token) });
    expect(spent!.used_at).not.toBeNull();
    expect(fresh!.grant_id).toBe(spent!.grant_id);
    expect(new Date(fresh!.expires_at as string).getTime() - new Date(spent!.expires_at as string).getTime()).toBeLessThan(2000);
  });

  it('treats a spent refresh token presented again as theft: the whole sign-in is revoked', async () => {
    const first = await signIn(gh, rita.email, rita.password, northwind.uuid);
    const next = (await refresh(first.refresh_token)).data!;
    const reused = await refresh(first.refresh_token);
    expect([reused.response.status, reused.error]).toEqual([401, INVALID]);
    expect((await refresh(next.refresh_token)).response.status).toBe(401);
    expect(await load(next.access_token)).toBe(401);
    expect(await auditMessages(gh.runtime.db, rita.account.id)).toContain('Refresh token used twice; the sign-in is revoked');
  });

  it('refuses after logout, after expiry, and for unknown tokens, all alike', async () => {
    const signedOut = await signIn(gh, rita.email, rita.password, northwind.uuid);
    expect(must(await portal.logout({ client: portalClient(gh, signedOut.access_token) })).response.status).toBe(204);
    expect((await refresh(signedOut.refresh_token)).error).toEqual(INVALID);
    expect((await refresh('not-a-refresh-token')).error).toEqual(INVALID);
    const expiring = await signIn(gh, rita.email, rita.password, northwind.uuid);
    gh.clock.advance(7 * 86400 + 1);
    expect((await refresh(expiring.refresh_token)).error).toEqual(INVALID);
    const invalid = must(await portal.refreshPortalToken({ client: portalClient(gh), body: {} as never }));
    expect(invalid.response.status).toBe(422);
  });
});
