import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_REQUEST } from '../../core/kernel/audit.js';
import type { Account } from '../../core/kernel/model.js';
import { DATABASES } from '../support/databases.js';
import { auditOf, startKernel, type TestKernel } from '../support/kernel.js';

const meta = { ...NO_REQUEST, requestId: 'kernel-test' };

/** Sessions and first-party grants as the kernel keeps them: per face, revocable, checked at every use. */
describe.each(DATABASES)('kernel sessions and grants on %s', (kind) => {
  let t: TestKernel;
  let ada: Account;

  beforeAll(async () => {
    t = await startKernel(kind, { sessions: { idleSeconds: 600, absoluteSeconds: 3600 } });
    ada = (await t.kernel.accounts.create({ username: 'ada', email: 'ada@example.com', password: 'analytical-engine' }, meta)).account;
  });
  afterAll(async () => t?.stop());

  it('keeps a session to its face, slides its idle expiry, and ends it at its absolute expiry', async () => {
    const { token, session } = await t.kernel.sessions.start(ada, 'face-a', 'login', meta);
    expect(token).toMatch(/^[\w-]{43}$/);
    expect((await t.database.db('sessions').where({ id: session.id }).first()).token_hash).not.toBe(token);
    expect(await t.kernel.sessions.resolve(token, 'face-b')).toBeUndefined();
    expect((await t.kernel.sessions.resolve(token, 'face-a'))?.account.id).toBe(ada.id);
    for (let i = 0; i < 6; i++) {
      t.clock.advance(500);
      expect(await t.kernel.sessions.resolve(token, 'face-a'), `after ${(i + 1) * 500} s`).toBeDefined();
    }
    t.clock.advance(700);
    expect(await t.kernel.sessions.resolve(token, 'face-a')).toBeUndefined();
  });

  it('issues a first-party token under a grant of its face, verified on any face until the grant ends', async () => {
    const issued = await t.kernel.tokens.issue('face-a', ada, meta, { roles: ['viewer'], refreshSeconds: 600 });
    expect(issued.refreshToken).toBeDefined();
    const live = await t.kernel.tokens.verify(issued.accessToken);
    expect(live).toMatchObject({ account: { id: ada.id }, token: { clientId: 'gatehouse:face-a', scopes: ['viewer'], type: 'access_token' } });
    expect(live!.claims).toMatchObject({ sub: ada.uuid, client_id: 'gatehouse:face-a', scope: 'viewer' });
    // No audit row of its own: the login that asked for it wrote the attempt's one row.
    expect((await auditOf(t, ada.id)).map((r) => r.message)).toEqual(['Account created']);
    await t.kernel.tokens.end(live!);
    expect(await t.kernel.tokens.verify(issued.accessToken)).toBeUndefined();
    const grants = await t.database.db('oauth2_grants').where({ account_id: ada.id, client_id: 'gatehouse:face-a' });
    expect(grants).toHaveLength(1);
    expect(grants[0].revoked_at).not.toBeNull();
  });

  it('refuses a token whose signature is not ours, and one of a disabled account', async () => {
    const issued = await t.kernel.tokens.issue('face-b', ada, meta);
    const [header, payload, signature] = issued.accessToken.split('.');
    const forged = [header, payload, signature!.slice(0, -4) + (signature!.endsWith('AAAA') ? 'BBBB' : 'AAAA')].join('.');
    expect(await t.kernel.tokens.verify(forged)).toBeUndefined();
    expect(await t.kernel.tokens.verify(issued.accessToken)).toBeDefined();
    await t.kernel.accountAdmin.update(ada, { active: false }, { module: 'test', meta });
    expect(await t.kernel.tokens.verify(issued.accessToken)).toBeUndefined();
    await t.kernel.accountAdmin.update((await t.kernel.accounts.byId(ada.id))!, { active: true }, { module: 'test', meta });
    // Deactivating revoked the grant: turning the account on again does not bring the token back.
    expect(await t.kernel.tokens.verify(issued.accessToken)).toBeUndefined();
  });

  it('signs an account out everywhere: every face\'s session and every grant', async () => {
    const current = (await t.kernel.accounts.byId(ada.id))!;
    const a = await t.kernel.sessions.start(current, 'face-a', 'login', meta);
    const b = await t.kernel.sessions.start(current, 'face-b', 'login', meta);
    const token = await t.kernel.tokens.issue('face-c', current, meta);
    await t.kernel.accounts.signOutEverywhere(current);
    expect(await t.kernel.sessions.resolve(a.token, 'face-a')).toBeUndefined();
    expect(await t.kernel.sessions.resolve(b.token, 'face-b')).toBeUndefined();
    expect(await t.kernel.tokens.verify(token.accessToken)).toBeUndefined();
  });
});
