import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as admin from '../../../generated/admin/sdk.gen.js';
import * as sa from '../../../generated/simple-auth/sdk.gen.js';
import { adminCaller } from '../../support/admin.js';
import { DATABASES } from '../../support/databases.js';
import { rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { backend, basic, codeFor, form, GRAFANA, oauth2Settings, signedIn } from '../../support/oauth2.js';
import { bootstrapAdmin } from '../../support/platform.js';
import { must } from '../../support/simple-auth.js';

const REDIRECT = 'https://notes.example.com/oauth/callback';

/** OAuth2 clients registered through the admin face work at once at the authorization server, and stop at once. */
describe.each(DATABASES)('admin OAuth2 clients on %s', (kind) => {
  let gh: TestGatehouse;
  let client: ReturnType<typeof adminCaller>;

  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: oauth2Settings() });
    client = adminCaller(gh, (await bootstrapAdmin(gh)).token);
  });
  afterAll(async () => gh?.stop());

  /** The code flow of a user at `clientId`, ending with the token endpoint (Basic client authentication). */
  async function tokenFor(clientId: string, secret: string, username: string) {
    const user = await signedIn(gh, username);
    const code = await codeFor(user, { client_id: clientId, response_type: 'code', redirect_uri: REDIRECT, scope: 'email', state: 'st' });
    const rp = await backend(gh);
    return must(await sa.grantToken({ client: rp.client, ...form, headers: { ...form.headers, Authorization: basic(clientId, secret) }, body: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT } }));
  }

  const introspect = async (clientId: string, secret: string, token: string) =>
    must(await sa.introspectToken({ client: (await backend(gh)).client, ...form, headers: { ...form.headers, Authorization: basic(clientId, secret) }, body: { token } }));

  it('registers a client whose secret works at the token endpoint, shows the secret once, keeps only its hash', async () => {
    const created = must(await admin.adminCreateOauth2Client({ client, body: { client_id: 'notes', name: 'Notes', redirect_uris: [REDIRECT], scopes: ['email'] } }));
    expect(created.response.status).toBe(201);
    expect(created.response.headers.get('cache-control')).toBe('no-store');
    const secret = created.data!.client_secret!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.data!.client).toEqual({ client_id: 'notes', name: 'Notes', redirect_uris: [REDIRECT], scopes: ['email'], public: false, oidc: false, source: 'database' });
    const [row] = await rows(gh.runtime.db, 'oauth2_clients', { client_id: 'notes' }, 'client_id');
    expect(row!.secret_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(secret);

    const issued = await tokenFor('notes', secret, 'nora');
    expect(issued.response.status).toBe(200);
    expect(issued.data!.access_token).toBeDefined();
    expect(must(await sa.getOauth2Client({ client: (await backend(gh)).client, path: { client_id: 'notes' } })).data).toMatchObject({ name: 'Notes' });

    const listed = must(await admin.adminListOauth2Clients({ client })).data!.items;
    expect(listed.map((c) => [c.client_id, c.source])).toEqual(expect.arrayContaining([['grafana', 'configuration'], ['notes', 'database']]));
    expect(JSON.stringify(listed)).not.toContain(secret);
  });

  it('rotates the secret (the old one stops at once), changes redirect URIs, deletes the client with its tokens', async () => {
    const secret = must(await admin.adminCreateOauth2Client({ client, body: { client_id: 'board', name: 'Board', redirect_uris: [REDIRECT], scopes: ['email'] } })).data!.client_secret!;
    const access = (await tokenFor('board', secret, 'bea')).data!.access_token;
    expect(must(await introspect('board', secret, access)).data).toMatchObject({ active: true });

    const rotated = must(await admin.adminRotateOauth2ClientSecret({ client, path: { client_id: 'board' } }));
    const fresh = rotated.data!.client_secret!;
    expect(fresh).not.toBe(secret);
    expect(must(await introspect('board', secret, access)).response.status).toBe(401);
    expect(must(await introspect('board', fresh, access)).data).toMatchObject({ active: true });

    const moved = must(await admin.adminUpdateOauth2Client({ client, path: { client_id: 'board' }, body: { redirect_uris: ['https://board.example.com/cb'] } }));
    expect(moved.data!.redirect_uris).toEqual(['https://board.example.com/cb']);
    const user = await signedIn(gh, 'bob');
    const refused = must(await sa.authorizeGrant({ client: user.client, body: { client_id: 'board', response_type: 'code', redirect_uri: REDIRECT, scope: 'email', state: 'st' } }));
    expect(refused.response.status).toBe(400);

    expect(must(await admin.adminDeleteOauth2Client({ client, path: { client_id: 'board' } })).response.status).toBe(204);
    expect(await rows(gh.runtime.db, 'oauth2_grants', { client_id: 'board' })).toEqual([]);
    // the access token is gone: another client's introspection says inactive
    expect(must(await introspect(GRAFANA.id, GRAFANA.secret, access)).data).toEqual({ active: false });
    expect(must(await admin.adminDeleteOauth2Client({ client, path: { client_id: 'board' } })).response.status).toBe(404);
  });

  it('keeps configured clients read-only and refuses bad registrations', async () => {
    for (const result of [
      await admin.adminCreateOauth2Client({ client, body: { client_id: 'grafana', name: 'Mine', redirect_uris: [REDIRECT] } }),
      await admin.adminUpdateOauth2Client({ client, path: { client_id: 'grafana' }, body: { name: 'Mine' } }),
      await admin.adminRotateOauth2ClientSecret({ client, path: { client_id: 'grafana' } }),
      await admin.adminDeleteOauth2Client({ client, path: { client_id: 'grafana' } }),
    ]) {
      expect(must(result).response.status).toBe(409);
    }
    expect(must(await admin.adminCreateOauth2Client({ client, body: { client_id: 'frag', name: 'Frag', redirect_uris: ['https://x.example.com/cb#f'] } })).response.status).toBe(400);
    const pub = must(await admin.adminCreateOauth2Client({ client, body: { client_id: 'mobile', name: 'Mobile', redirect_uris: ['com.example.app:/cb'], public: true } }));
    expect(pub.data).toMatchObject({ client_secret: null, client: { public: true } });
    expect(must(await admin.adminRotateOauth2ClientSecret({ client, path: { client_id: 'mobile' } })).response.status).toBe(400);
    expect(must(await admin.adminCreateOauth2Client({ client, body: { client_id: 'mobile', name: 'Again', redirect_uris: [REDIRECT] } })).response.status).toBe(409);
    const audit = (await rows(gh.runtime.db, 'audit_records', { module: 'admin' })).map((r) => String(r.message));
    expect(audit).toEqual(expect.arrayContaining(['OAuth2 client notes registered by admin', 'OAuth2 client board secret rotated by admin', 'OAuth2 client board deleted with its grants by admin']));
  });
});
