import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_REQUEST } from '../../core/kernel/audit.js';
import { DATABASES } from '../support/databases.js';
import { auditOf, startKernel, type TestKernel } from '../support/kernel.js';

const meta = { ...NO_REQUEST, requestId: 'kernel-test' };
const admin = { module: 'admin', meta };

/** Account and directory administration (the admin and SCIM faces' kernel capability). */
describe.each(DATABASES)('kernel administration on %s', (kind) => {
  let t: TestKernel;

  beforeAll(async () => {
    t = await startKernel(kind);
    const people = [
      { username: 'ada', email: 'Ada@Example.com', displayName: 'Ada Lovelace', givenName: 'Ada', familyName: 'Lovelace', externalId: 'okta-1', roles: ['admin'] },
      { username: 'grace', email: 'grace@example.com', displayName: 'Grace Hopper', givenName: 'Grace', familyName: 'Hopper', externalId: 'okta-2' },
      { username: 'alan', email: null, displayName: 'Alan 50% Turing', roles: ['viewer'] },
      { username: 'edsger', email: 'edsger@example.org', displayName: 'Edsger_Dijkstra', active: false },
    ];
    for (const person of people) {
      t.clock.advance(1);
      await t.kernel.accountAdmin.create(person, admin);
    }
  });
  afterAll(async () => t?.stop());

  const names = async (filter: Parameters<TestKernel['kernel']['accountAdmin']['search']>[0], page = {}) => (await t.kernel.accountAdmin.search(filter, page)).items.map((a) => a.username);

  it('creates accounts without a password, with normalized names, and audits each', async () => {
    const ada = (await t.kernel.accounts.byUsernameOrEmail('ada'))!;
    expect(ada).toMatchObject({ email: 'ada@example.com', passwordHash: null, externalId: 'okta-1', givenName: 'Ada', familyName: 'Lovelace', roles: ['admin'], active: true });
    expect(await auditOf(t, ada.id)).toEqual([{ module: 'admin', level: 'info', message: 'Account created' }]);
    expect((await t.kernel.accounts.byUsernameOrEmail('edsger'))!.active).toBe(false);
  });

  it('filters with eq, co, sw, ew, pr, and, or and not, without case on names, literally on % and _', async () => {
    expect(await names({ op: 'eq', attribute: 'username', value: 'ADA' })).toEqual(['ada']);
    expect(await names({ op: 'eq', attribute: 'email', value: 'ada@EXAMPLE.com' })).toEqual(['ada']);
    expect(await names({ op: 'co', attribute: 'displayName', value: 'R' })).toEqual(['grace', 'alan', 'edsger']);
    expect(await names({ op: 'co', attribute: 'displayName', value: '50%' })).toEqual(['alan']);
    expect(await names({ op: 'co', attribute: 'displayName', value: '_' })).toEqual(['edsger']);
    expect(await names({ op: 'sw', attribute: 'email', value: 'G' })).toEqual(['grace']);
    expect(await names({ op: 'ew', attribute: 'email', value: '.org' })).toEqual(['edsger']);
    expect(await names({ op: 'pr', attribute: 'externalId' })).toEqual(['ada', 'grace']);
    expect(await names({ op: 'and', filters: [{ op: 'pr', attribute: 'email' }, { op: 'eq', attribute: 'active', value: true }] })).toEqual(['ada', 'grace']);
    expect(await names({ op: 'or', filters: [{ op: 'eq', attribute: 'role', value: 'viewer' }, { op: 'eq', attribute: 'externalId', value: 'okta-2' }] })).toEqual(['grace', 'alan']);
    expect(await names({ op: 'not', filter: { op: 'pr', attribute: 'role' } })).toEqual(['grace', 'edsger']);
    expect(await names({ op: 'eq', attribute: 'externalId', value: 'OKTA-1' })).toEqual([]);
  });

  it('pages with a total, sorts, and bounds the page size', async () => {
    const first = await t.kernel.accountAdmin.search(undefined, { offset: 0, limit: 2 });
    expect([first.total, first.items.map((a) => a.username)]).toEqual([4, ['ada', 'grace']]);
    const second = await t.kernel.accountAdmin.search(undefined, { offset: 2, limit: 2 });
    expect(second.items.map((a) => a.username)).toEqual(['alan', 'edsger']);
    expect((await t.kernel.accountAdmin.search(undefined, { offset: 9, limit: 2 })).items).toEqual([]);
    expect(await names(undefined, { sortBy: 'username', descending: true })).toEqual(['grace', 'edsger', 'alan', 'ada']);
    expect((await t.kernel.accountAdmin.search(undefined, { limit: 0 })).total).toBe(4);
    expect((await t.kernel.accountAdmin.search(undefined, { limit: 10_000 })).items).toHaveLength(4);
  });

  it('refuses a taken username, email or external id as a conflict, and unknown roles', async () => {
    const grace = (await t.kernel.accounts.byUsernameOrEmail('grace'))!;
    await expect(t.kernel.accountAdmin.update(grace, { username: 'ADA' }, admin)).rejects.toMatchObject({ code: 'conflict' });
    await expect(t.kernel.accountAdmin.update(grace, { externalId: 'okta-1' }, admin)).rejects.toMatchObject({ code: 'conflict' });
    await expect(t.kernel.accountAdmin.create({ username: 'ada2', email: 'ADA@example.com' }, admin)).rejects.toMatchObject({ code: 'conflict' });
    await expect(t.kernel.accountAdmin.update(grace, { roles: ['root'] }, admin)).rejects.toMatchObject({ code: 'bad_request', message: 'unknown role: root' });
    const changed = await t.kernel.accountAdmin.update(grace, { roles: ['viewer', 'admin'], displayName: '  Rear Admiral Hopper ' }, admin);
    expect(changed).toMatchObject({ roles: ['admin', 'viewer'], displayName: 'Rear Admiral Hopper' });
  });

  it('deactivating ends every session, grant and API credential of the account at once', async () => {
    const alan = (await t.kernel.accounts.byUsernameOrEmail('alan'))!;
    const session = await t.kernel.sessions.start(alan, 'face-a', 'login', meta);
    const token = await t.kernel.tokens.issue('face-a', alan, meta);
    await t.database.db('api_credentials').insert({ uuid: randomUUID(), name: 'alan-ci', namespace: 'system', family: 'user', type: 'API_TOKEN', account_id: alan.id, token_hash: 'f'.repeat(64), enabled: true, created_at: new Date(), updated_at: new Date(), expires_at: new Date(Date.now() + 86_400_000) });
    const after = await t.kernel.accountAdmin.update(alan, { active: false }, admin);
    expect(after.active).toBe(false);
    expect(await t.kernel.sessions.resolve(session.token, 'face-a')).toBeUndefined();
    expect(await t.kernel.tokens.verify(token.accessToken)).toBeUndefined();
    expect(await t.database.db('api_credentials').where({ account_id: alan.id }).pluck('enabled')).toEqual([0]);
    expect((await auditOf(t, alan.id)).at(-1)).toEqual({ module: 'admin', level: 'warn', message: 'Account deactivated (active)' });
  });

  it('deletes an account with everything that was its, and names it in the audit trail', async () => {
    const edsger = (await t.kernel.accounts.byUsernameOrEmail('edsger'))!;
    const org = await t.kernel.directory.createOrganization('Eindhoven', meta);
    await t.kernel.directory.setMemberRole(org, edsger, 'member', meta);
    await t.kernel.accountAdmin.delete(edsger, admin);
    expect(await t.kernel.accounts.byId(edsger.id)).toBeUndefined();
    expect(await t.kernel.directory.members(org)).toEqual([]);
    expect((await auditOf(t, null)).at(-1)).toEqual({ module: 'admin', level: 'warn', message: `Account ${edsger.uuid} (edsger) deleted` });
  });

  it('manages organizations, members and namespaces', async () => {
    const { directory } = t.kernel;
    const north = await directory.createOrganization(' Northwind ', meta, { externalId: 'grp-1' });
    expect(north).toMatchObject({ name: 'Northwind', externalId: 'grp-1' });
    const found = await directory.searchOrganizations({ op: 'eq', attribute: 'name', value: 'northwind' }, {});
    expect(found.items.map((o) => o.uuid)).toEqual([north.uuid]);
    const renamed = await directory.updateOrganization(north, { name: 'Northwind Traders' }, meta);
    expect(renamed.name).toBe('Northwind Traders');
    const ada = (await t.kernel.accounts.byUsernameOrEmail('ada'))!;
    await directory.setMemberRole(north, ada, 'admin', meta);
    expect((await directory.members(north)).map((m) => [m.account.username, m.role])).toEqual([['ada', 'admin']]);
    expect(await directory.removeMember(north, ada, meta)).toBe(true);
    expect(await directory.removeMember(north, ada, meta)).toBe(false);
    expect(await directory.deleteOrganization(north, meta)).toBe(true);

    await directory.createNamespace('payments', meta);
    await expect(directory.createNamespace('Bad_Name', meta)).rejects.toMatchObject({ code: 'bad_request' });
    await t.database.db('api_credentials').insert({ uuid: randomUUID(), name: 'p', namespace: 'payments', family: 'user', type: 'API_TOKEN', account_id: ada.id, token_hash: 'e'.repeat(64), enabled: true, created_at: new Date(), updated_at: new Date(), expires_at: new Date(Date.now() + 60_000) });
    expect((await directory.namespaces()).map((n) => [n.name, n.credentials])).toEqual([['payments', 1], ['system', 1]]);
    await expect(directory.deleteNamespace('payments', meta)).rejects.toMatchObject({ code: 'conflict' });
    await expect(directory.deleteNamespace('system', meta)).rejects.toMatchObject({ code: 'conflict' });
    await t.database.db('api_credentials').where({ namespace: 'payments' }).delete();
    await directory.deleteNamespace('payments', meta);
    await expect(directory.deleteNamespace('payments', meta)).rejects.toMatchObject({ code: 'not_found' });
  });
});
