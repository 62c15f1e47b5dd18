import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as platform from '../../../generated/platform/sdk.gen.js';
import { NO_REQUEST } from '../../../core/kernel/audit.js';
import type { PlatformRules } from '../../../core/faces/platform/index.js';
import { rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { startPeer } from '../../support/peer.js';
import { ADMIN, bootstrapAdmin, platformCaller } from '../../support/platform.js';
import { must } from '../../support/simple-auth.js';

/** What /ui shows for a `ui_session` cookie: the principal's id, or nothing (not signed in). */
async function uiPrincipal(gh: TestGatehouse, session: string): Promise<{ status: number; principal: string | undefined }> {
  const response = await fetch(`${gh.url}/ui`, { headers: { cookie: `ui_session=${session}` }, redirect: 'manual' });
  return { status: response.status, principal: /id="principal" data-id="([^"]+)"/.exec(await response.text())?.[1] };
}

/**
 * Two instances behind one load balancer, on one MariaDB database: whatever one issues, the other
 * honours, and a revocation through either takes effect on both at once, because tokens, sessions,
 * revocations and counters live in the database, not in a process.
 */
describe('platform face on two instances sharing one MariaDB database', () => {
  let a: TestGatehouse;
  let b: TestGatehouse;
  let adminToken: string;
  let second: { token: string; principalId: string };
  let session: string;

  beforeAll(async () => {
    // A cookie Domain, as a deployment behind one load balancer on a shared parent domain has.
    const settings = { cookies: { domain: '127.0.0.1' } };
    a = await startGatehouse('mysql', { settings });
    b = await startPeer(a, settings);
    adminToken = (await bootstrapAdmin(a)).token;
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  const caller = (gh: TestGatehouse, token: string) => platformCaller(gh, { token }).client;
  const stats = async (gh: TestGatehouse) => must(await platform.getWebSessionStats({ client: caller(gh, adminToken) })).data!;

  it('accepts on B an admin token and a bootstrap token that A issued', async () => {
    expect(must(await platform.getOidcProvider({ client: caller(b, adminToken) })).response.status).toBe(200);
    // A second administrator, invited on A and completing on B: the token is a database row.
    const minted = must(await platform.createBootstrapToken({ client: caller(a, adminToken), body: { ttl_seconds: 600 } })).data!;
    const done = must(await platform.bootstrapComplete({ client: platformCaller(b).client, body: { username: 'ops', password: `${ADMIN.password}-ops`, principal_name: 'ops', bootstrap_token: minted.bootstrap_token } }));
    expect(done.response.status).toBe(201);
    second = { token: done.data!.token, principalId: done.data!.principal.id };
    expect(must(await platform.getWebSessionStats({ client: caller(a, second.token) })).response.status).toBe(200);
  });

  it('resolves on B a web session started on A', async () => {
    const account = (await a.runtime.kernel.accounts.byUuid(second.principalId))!;
    session = (await a.runtime.rulesOf<PlatformRules>('platform').webSessions.start(account, 'oidc', NO_REQUEST)).token;
    expect(await uiPrincipal(b, session)).toEqual({ status: 200, principal: second.principalId });
    expect(await uiPrincipal(a, session)).toEqual({ status: 200, principal: second.principalId });
  });

  it('revokes through B, and A refuses the session and the bearer token at once', async () => {
    const revoked = must(await platform.revokeAllWebSessions({ client: caller(b, adminToken), body: { principal_id: second.principalId } }));
    expect(revoked.response.status).toBe(204);

    // No provider is configured, so /ui answers "not signed in" instead of starting a login.
    expect(await uiPrincipal(a, session)).toEqual({ status: 401, principal: undefined });
    const onA = must(await platform.getWebSessionStats({ client: caller(a, second.token) }));
    expect([onA.response.status, onA.error]).toEqual([401, { code: 401, message: 'unauthorized: provide a valid JWT Bearer token or API key' }]);
    expect(must(await platform.getWebSessionStats({ client: caller(b, second.token) })).response.status).toBe(401);
    // The administrator who revoked is untouched on both.
    expect(must(await platform.getOidcProvider({ client: caller(a, adminToken) })).response.status).toBe(200);
  });

  it('signs out on B a session started on A, and clears the cookie with its Domain', async () => {
    const account = (await a.runtime.kernel.accounts.byUsernameOrEmail(ADMIN.username))!;
    const token = (await a.runtime.rulesOf<PlatformRules>('platform').webSessions.start(account, 'login', NO_REQUEST)).token;
    const logout = await fetch(`${b.url}/ui/logout`, { method: 'POST', headers: { cookie: `ui_session=${token}` }, redirect: 'manual' });
    expect([logout.status, logout.headers.get('location')]).toEqual([303, '/ui']);
    expect(logout.headers.getSetCookie()).toEqual([expect.stringMatching(/^ui_session=; Domain=127\.0\.0\.1; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/)]);
    expect(await uiPrincipal(a, token)).toEqual({ status: 401, principal: undefined });
  });

  it('makes one account when the same upstream person first signs in on both at once', async () => {
    const who = { issuer: 'https://idp.example', subject: 'u-1', email: 'erin@example.com', emailVerified: true, preferredUsername: 'erin', name: 'Erin' };
    // Both instances find no link, both insert: one wins, the other must answer with the winner.
    const [onA, onB] = await Promise.all(
      [a, b].map(({ runtime: { kernel } }) => kernel.upstream.accountFor(who, NO_REQUEST, 'auth:platform')),
    );
    expect(onA!.uuid).toBe(onB!.uuid);
    expect(await rows(a.runtime.db, 'account_links', { subject: 'u-1' })).toHaveLength(1);
  });

  it('reports the same web-session statistics on both instances', async () => {
    const [onA, onB] = [await stats(a), await stats(b)];
    expect(onA).toEqual(onB);
    // Two sessions created on A; resolved twice (B, A); a failed resolve on A after the revoke and
    // after the logout; one logout; one revoke-all.
    expect(onA).toMatchObject({ active_sessions: 0, created_total: 2, resolved_total: 2, resolve_failed_total: 2, revoked_total: 1, revoked_all_total: 1 });
  });
});
