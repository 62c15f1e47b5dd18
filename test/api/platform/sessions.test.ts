import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as platform from '../../../generated/platform/sdk.gen.js';
import * as sa from '../../../generated/simple-auth/sdk.gen.js';
import type { PlatformRules } from '../../../core/faces/platform/index.js';
import { NO_REQUEST } from '../../../core/kernel/audit.js';
import { DATABASES } from '../../support/databases.js';
import { accountRow, auditMessages, rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { bootstrapAdmin, platformCaller } from '../../support/platform.js';
import { must, simpleAuthCaller } from '../../support/simple-auth.js';

describe.each(DATABASES)('platform web sessions on %s', (kind) => {
  let gh: TestGatehouse;
  let admin: ReturnType<typeof platformCaller>['client'];

  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { sessions: { idleSeconds: 600, absoluteSeconds: 3600 } } });
    admin = platformCaller(gh, { token: (await bootstrapAdmin(gh)).token }).client;
  });
  afterAll(async () => gh?.stop());

  const stats = async () => must(await platform.getWebSessionStats({ client: admin })).data!;

  it('counts web sessions from the database and shared counters', async () => {
    expect(await stats()).toEqual({
      active_sessions: 0,
      idle_ttl_seconds: 600,
      absolute_ttl_seconds: 3600,
      created_total: 0,
      resolved_total: 0,
      resolve_failed_total: 0,
      revoked_total: 0,
      revoked_all_total: 0,
      reaped_total: 0,
    });
    const web = gh.runtime.rulesOf<PlatformRules>('platform').webSessions;
    const account = (await gh.runtime.kernel.accounts.byUuid(String((await accountRow(gh.runtime.db, 'admin'))!.uuid)))!;
    const first = await web.start(account, 'login', NO_REQUEST);
    const second = await web.start(account, 'login', NO_REQUEST);
    expect(await web.resolve(first.token)).toBeDefined();
    expect(await web.resolve('not-a-session')).toBeUndefined();
    await web.logout(second.token, NO_REQUEST);
    expect(await stats()).toMatchObject({ active_sessions: 1, created_total: 2, resolved_total: 1, resolve_failed_total: 1, revoked_total: 1 });
    gh.clock.advance(601);
    expect(await web.reap()).toBe(2);
    expect(await stats()).toMatchObject({ active_sessions: 0, reaped_total: 2 });
  });

  it('revokes every session and token of an account on every face, and counts it', async () => {
    const dana = await simpleAuthCaller(gh);
    must(await sa.createAccount({ client: dana.client, body: { username: 'dana', email: 'dana@example.com', password: 'dana-password' }, query: { createSession: true } }));
    const login = must(await platform.localLogin({ client: platformCaller(gh).client, body: { username: 'dana', password: 'dana-password' } })).data!;
    const danaRow = (await accountRow(gh.runtime.db, 'dana'))!;
    const account = (await gh.runtime.kernel.accounts.byUuid(String(danaRow.uuid)))!;
    const web = await gh.runtime.rulesOf<PlatformRules>('platform').webSessions.start(account, 'oidc', NO_REQUEST);

    const result = must(await platform.revokeAllWebSessions({ client: admin, body: { principal_id: login.principal.id } }));
    expect(result.response.status).toBe(204);

    expect(await gh.runtime.rulesOf<PlatformRules>('platform').webSessions.resolve(web.token)).toBeUndefined();
    expect(must(await sa.getAccount({ client: dana.client })).response.status).toBe(401);
    const withToken = must(await platform.getOidcProvider({ client: platformCaller(gh, { token: login.token }).client }));
    expect(withToken.response.status).toBe(401);
    expect((await rows(gh.runtime.db, 'sessions', { account_id: danaRow.id })).every((s) => s.revoked_at !== null)).toBe(true);
    expect((await rows(gh.runtime.db, 'oauth2_grants', { account_id: danaRow.id })).every((g) => g.revoked_at !== null)).toBe(true);
    expect((await auditMessages(gh.runtime.db, Number(danaRow.id))).some((m) => m.startsWith('AUTH_WEB_SESSION_REVOKE_ALL'))).toBe(true);
    expect(await stats()).toMatchObject({ revoked_all_total: 1 });
  });

  it('answers 404 for an unknown principal and 400 for a malformed one', async () => {
    const unknown = must(await platform.revokeAllWebSessions({ client: admin, body: { principal_id: '00000000-0000-4000-8000-000000000000' } }));
    expect(unknown.response.status).toBe(404);
    expect(unknown.error).toEqual({ code: 404, message: 'principal not found' });
    const malformed = must(await platform.revokeAllWebSessions({ client: admin, body: { principal_id: 'dana' } }));
    expect(malformed.response.status).toBe(400);
    const missing = must(await platform.revokeAllWebSessions({ client: admin, body: {} as never }));
    expect(missing.error).toEqual({ code: 400, message: 'principal_id is required' });
  });
});

describe('platform web sessions switched off', () => {
  let gh: TestGatehouse;
  beforeAll(async () => {
    gh = await startGatehouse('sqlite', { settings: { platform: { webSessionsEnabled: false } } });
  });
  afterAll(async () => gh?.stop());

  it('answers 503 web session service unavailable on stats and revoke-all', async () => {
    const { token, principalId } = await bootstrapAdmin(gh);
    const admin = platformCaller(gh, { token }).client;
    const statsResult = must(await platform.getWebSessionStats({ client: admin }));
    expect(statsResult.response.status).toBe(503);
    expect(statsResult.error).toEqual({ code: 503, message: 'web session service unavailable' });
    const revoke = must(await platform.revokeAllWebSessions({ client: admin, body: { principal_id: principalId } }));
    expect(revoke.response.status).toBe(503);
  });
});
