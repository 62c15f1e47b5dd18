import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as admin from '../../../generated/admin/sdk.gen.js';
import * as cred from '../../../generated/credentials/sdk.gen.js';
import * as portal from '../../../generated/portal/sdk.gen.js';
import * as wellknown from '../../../generated/wellknown/sdk.gen.js';
import { adminCaller } from '../../support/admin.js';
import { bearerOf, createCredentialsUsers, credentialsCaller } from '../../support/credentials.js';
import { DATABASES } from '../../support/databases.js';
import { rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { BrowserLikeClient } from '../../support/http.js';
import { GRAFANA, oauth2Settings } from '../../support/oauth2.js';
import { must } from '../../support/simple-auth.js';
import { createClient as portalClient } from '../../../generated/portal/client/index.js';
import { createClient as wellknownClient } from '../../../generated/wellknown/client/index.js';

/** The admin face's organizations, namespaces, signing keys, audit trail, outbox and clients. */
describe.each(DATABASES)('admin directory, keys, audit and outbox on %s', (kind) => {
  let gh: TestGatehouse;
  let client: ReturnType<typeof adminCaller>;

  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: oauth2Settings(), outbox: true });
    await createCredentialsUsers(gh);
    client = adminCaller(gh, await bearerOf(gh, 'admin'));
  });
  afterAll(async () => gh?.stop());

  it('creates, lists, renames and deletes organizations and manages their members', async () => {
    const created = must(await admin.adminCreateOrganization({ client, body: { name: 'Northwind Traders' } }));
    expect(created.response.status).toBe(201);
    const org = created.data!;
    expect(await rows(gh.runtime.db, 'organizations', { uuid: org.id })).toMatchObject([{ name: 'Northwind Traders', external_id: null }]);
    must(await admin.adminCreateOrganization({ client, body: { name: 'Contoso' } }));
    const listed = must(await admin.adminListOrganizations({ client, query: { q: 'north' } }));
    expect(listed.data).toMatchObject({ total: 1, items: [{ id: org.id, name: 'Northwind Traders' }] });
    expect(must(await admin.adminListOrganizations({ client })).data!.items.map((o) => o.name)).toEqual(['Contoso', 'Northwind Traders']);

    const member = must(await admin.adminSetMember({ client, path: { organization: org.id, account: 'dana' }, body: { role: 'admin' } }));
    expect(member.data).toMatchObject({ account: { username: 'dana', email: 'dana@example.com' }, role: 'admin' });
    must(await admin.adminSetMember({ client, path: { organization: org.id, account: 'erin@example.com' }, body: { role: 'member' } }));
    must(await admin.adminSetMember({ client, path: { organization: org.id, account: 'erin' }, body: { role: 'billing' } }));
    expect(must(await admin.adminListMembers({ client, path: { organization: org.id } })).data!.items.map((m) => [m.account.username, m.role])).toEqual([
      ['dana', 'admin'],
      ['erin', 'billing'],
    ]);
    expect(must(await admin.adminSetMember({ client, path: { organization: org.id, account: 'dana' }, body: { role: 'Not A Role' } })).response.status).toBe(400);

    // the portal signs dana in to the organization the operator made
    const login = must(await portal.portalLogin({ client: portalClient({ baseUrl: `${gh.url}/v1`, fetch: new BrowserLikeClient().fetch }), body: { email: 'dana@example.com', password: 'dana-password', portal_id: org.id } }));
    expect(login.response.status).toBe(200);

    const renamed = must(await admin.adminUpdateOrganization({ client, path: { organization: org.id }, body: { name: 'Northwind Traders Ltd', external_id: 'nw-1' } }));
    expect(renamed.data).toEqual({ id: org.id, name: 'Northwind Traders Ltd', external_id: 'nw-1' });
    expect(must(await admin.adminRemoveMember({ client, path: { organization: org.id, account: 'erin' } })).response.status).toBe(204);
    expect(must(await admin.adminRemoveMember({ client, path: { organization: org.id, account: 'erin' } })).response.status).toBe(404);
    expect(must(await admin.adminDeleteOrganization({ client, path: { organization: org.id } })).response.status).toBe(204);
    expect(await rows(gh.runtime.db, 'organizations', { uuid: org.id })).toEqual([]);
    expect(await rows(gh.runtime.db, 'organization_memberships', { organization_id: 1 })).toEqual([]);
    expect(must(await admin.adminGetOrganization({ client, path: { organization: org.id } })).response.status).toBe(404);
  });

  it('creates namespaces, lists them with their credentials, deletes only empty ones', async () => {
    const created = must(await admin.adminCreateNamespace({ client, body: { name: 'payments' } }));
    expect(created.data).toMatchObject({ name: 'payments', credentials: 0 });
    expect(must(await admin.adminCreateNamespace({ client, body: { name: 'payments' } })).response.status).toBe(409);
    expect(must(await admin.adminCreateNamespace({ client, body: { name: 'Bad_Name' } })).response.status).toBe(400);
    must(await cred.createApiCredential({ client: credentialsCaller(gh, { bearer: await bearerOf(gh, 'admin') }), path: { namespace: 'payments' }, body: { name: 'pay-token', namespace: 'payments', spec: { type: 'API_TOKEN' } } }));
    const listed = must(await admin.adminListNamespaces({ client }));
    expect(listed.data!.items.map((n) => [n.name, n.credentials])).toEqual(expect.arrayContaining([['payments', 1], ['system', expect.any(Number)]]));
    expect(must(await admin.adminDeleteNamespace({ client, path: { namespace: 'payments' } })).response.status).toBe(409);
    expect(must(await admin.adminDeleteNamespace({ client, path: { namespace: 'system' } })).response.status).toBe(409);
    must(await admin.adminCreateNamespace({ client, body: { name: 'scratch' } }));
    expect(must(await admin.adminDeleteNamespace({ client, path: { namespace: 'scratch' } })).response.status).toBe(204);
    expect(await rows(gh.runtime.db, 'namespaces', { name: 'scratch' })).toEqual([]);
  });

  it('rotates signing keys: new keys sign, the old ones stay published', async () => {
    const before = must(await admin.adminListSigningKeys({ client })).data!.items;
    expect(before.filter((k) => k.signing).map((k) => k.alg).sort()).toEqual(['EdDSA', 'RS256']);
    const rotated = must(await admin.adminRotateSigningKeys({ client })).data!.items;
    const signing = rotated.filter((k) => k.signing);
    expect(signing.map((k) => k.kid)).not.toEqual(expect.arrayContaining(before.filter((k) => k.signing).map((k) => k.kid)));
    const jwks = must(await wellknown.getJwks({ client: wellknownClient({ baseUrl: gh.url }) })).data!.keys.map((k) => k.kid);
    expect(jwks).toEqual(expect.arrayContaining([...before.map((k) => k.kid), ...signing.map((k) => k.kid)]));
    // the token that made this call was signed by a retired key and still works
    expect(must(await admin.adminListSigningKeys({ client })).response.status).toBe(200);
  });

  it('lists the configured OAuth2 clients without secrets', async () => {
    const clients = must(await admin.adminListOauth2Clients({ client })).data!.items;
    expect(clients.find((c) => c.client_id === GRAFANA.id)).toMatchObject({ redirect_uris: [GRAFANA.redirect], public: false, source: 'configuration' });
    expect(JSON.stringify(clients)).not.toMatch(/sha256:|secret/);
  });

  it('reads the mail outbox of an install without SMTP', async () => {
    const magic = must(await portal.requestMagicCode({ client: portalClient({ baseUrl: `${gh.url}/v1`, fetch: new BrowserLikeClient().fetch }), body: { email: 'dana@example.com' } }));
    expect(magic.response.status).toBe(200);
    // mail goes out after the answer: wait for it (bounded)
    let mail = must(await admin.adminListMail({ client, query: { to: 'DANA@example.com' } }));
    for (let i = 0; i < 50 && mail.data!.total === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      mail = must(await admin.adminListMail({ client, query: { to: 'DANA@example.com' } }));
    }
    expect(mail.data!.total).toBe(1);
    expect(mail.data!.items[0]).toMatchObject({ to: 'dana@example.com', subject: expect.any(String), body: expect.stringMatching(/\d{6}/) });
    expect(must(await admin.adminListMail({ client, query: { to: 'nobody@example.com' } })).data).toMatchObject({ total: 0, items: [] });
  });

  it('queries the audit trail by account, module and time, newest first, in pages', async () => {
    const all = must(await admin.adminQueryAudit({ client, query: { module: 'admin', limit: 500 } }));
    expect(all.data!.total).toBeGreaterThan(10);
    expect(all.data!.items.every((r) => r.module === 'admin')).toBe(true);
    const times = all.data!.items.map((r) => Date.parse(r.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const dana = must(await admin.adminQueryAudit({ client, query: { account: 'dana' } }));
    expect(dana.data!.items.length).toBeGreaterThan(0);
    expect(dana.data!.items.every((r) => r.account?.username === 'dana')).toBe(true);
    // One row per change: the kernel records it under the admin module, naming the operator.
    const membership = dana.data!.items.filter((r) => r.message.startsWith('Membership in '));
    expect(membership.map((r) => [r.module, r.message])).toEqual([['admin', expect.stringMatching(/^Membership in \S+ set to admin by admin$/)]]);
    const created = all.data!.items.filter((r) => /^Organization \S+ created/.test(r.message));
    expect(new Set(created.map((r) => r.message)).size).toBe(created.length);
    // pages of a query that does not grow while it is read (the admin face's reads are audited too)
    const directory = must(await admin.adminQueryAudit({ client, query: { account: 'dana', limit: 500 } })).data!;
    expect(directory.total).toBeGreaterThan(3);
    const page = must(await admin.adminQueryAudit({ client, query: { account: 'dana', offset: 1, limit: 2 } }));
    expect(page.data).toMatchObject({ total: directory.total, offset: 1, limit: 2 });
    expect(page.data!.items).toEqual(directory.items.slice(1, 3));
    const future = must(await admin.adminQueryAudit({ client, query: { since: new Date(gh.clock.now().getTime() + 3600_000).toISOString() } }));
    expect(future.data).toMatchObject({ total: 0, items: [] });
    const past = must(await admin.adminQueryAudit({ client, query: { until: '2000-01-01T00:00:00Z' } }));
    expect(past.data!.total).toBe(0);
    expect(must(await admin.adminQueryAudit({ client, query: { account: 'nobody' } })).response.status).toBe(404);
    // every call of this test was audited, naming the administrator
    expect(all.data!.items.map((r) => r.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^Mail outbox read \(\d+ of \d+\) by admin$/), 'Signing keys listed by admin', expect.stringMatching(/^Signing keys rotated \(.+\) by admin$/)]));
  });
});
