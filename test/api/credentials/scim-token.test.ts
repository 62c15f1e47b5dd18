import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cred from '../../../generated/credentials/sdk.gen.js';
import * as platform from '../../../generated/platform/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { accountRow, auditMessages, rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { as, credentialsCaller, createCredentialsUsers, reasonOf } from '../../support/credentials.js';
import { platformCaller } from '../../support/platform.js';
import { must } from '../../support/simple-auth.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const DAY = 86_400;

describe.each(DATABASES)('credentials SCIM token on %s', (kind) => {
  let gh: TestGatehouse;

  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { credentials: { tenant: 'acme' } } });
    await createCredentialsUsers(gh);
  });
  afterAll(async () => gh?.stop());

  it('creates, gets, re-creates (revoking the old one) and revokes the one SCIM token', async () => {
    const admin = await as(gh, 'admin');
    const none = must(await cred.getScimToken({ client: admin, path: { namespace: 'system' } }));
    expect(none.response.status).toBe(404);
    expect(none.error).toMatchObject({ code: 5, message: 'no SCIM token exists' });
    expect(reasonOf(none.error)).toBe('SCIM_TOKEN_NOT_FOUND');

    const first = must(await cred.recreateScimToken({ client: admin, path: { namespace: 'system' }, body: { namespace: 'system' } }));
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get('cache-control')).toBe('no-store');
    expect(first.data).toMatchObject({ name: 'scim-token', active: true });
    const token = first.data!.data;
    expect(token).toMatch(/^ghk_[A-Za-z0-9_-]{43}$/);
    // default 180 days
    expect(Date.parse(first.data!.expiration_timestamp) - gh.clock.now().getTime()).toBeGreaterThan(180 * DAY * 1000 - 2000);
    expect(await rows(gh.runtime.db, 'api_credentials', { family: 'scim' })).toMatchObject([{ name: 'scim-token', type: 'SCIM_API_TOKEN', token_hash: sha256(token) }]);

    // the SCIM token is no APIToken and no X-API-Key
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(gh, { apiToken: token }), path: { namespace: 'system' } })).response.status).toBe(401);
    expect(must(await platform.getOidcProvider({ client: platformCaller(gh, { apiKey: token }).client })).response.status).toBe(401);

    const got = must(await cred.getScimToken({ client: admin, path: { namespace: 'system' } }));
    expect(got.data!.object).toMatchObject({
      metadata: { name: 'scim-token', namespace: 'system' },
      system_metadata: { tenant: 'acme', creator_id: 'admin' },
      spec: { gc_spec: { type: 'SCIM_API_TOKEN', active: true, digest: createHash('sha1').update(token).digest('hex'), users: [], expiration_timestamp: first.data!.expiration_timestamp } },
    });
    expect(JSON.stringify(got.data)).not.toContain(token);

    const second = must(await cred.recreateScimToken({ client: admin, path: { namespace: 'system' }, body: { expiration_days: 730 } }));
    expect(second.data!.data).not.toBe(token);
    const scimRows = await rows(gh.runtime.db, 'api_credentials', { family: 'scim' });
    expect(scimRows).toHaveLength(1);
    expect(scimRows[0]!.token_hash).toBe(sha256(second.data!.data));
    const tooLong = must(await cred.recreateScimToken({ client: admin, path: { namespace: 'system' }, body: { expiration_days: 731 } }));
    expect(tooLong.response.status).toBe(400);
    const otherNs = must(await cred.recreateScimToken({ client: admin, path: { namespace: 'payments' as 'system' }, body: {} }));
    expect(otherNs.response.status).toBe(400);
    expect(reasonOf(otherNs.error)).toBe('VALIDATION_FAILED');

    expect(must(await cred.revokeScimToken({ client: admin, path: { namespace: 'system' }, body: { namespace: 'system' } })).data).toEqual({ status: true });
    expect(await rows(gh.runtime.db, 'api_credentials', { family: 'scim' })).toEqual([]);
    expect(must(await cred.revokeScimToken({ client: admin, path: { namespace: 'system' }, body: { namespace: 'system' } })).response.status).toBe(404);
    const adminRow = await accountRow(gh.runtime.db, 'admin');
    expect(await auditMessages(gh.runtime.db, Number(adminRow!.id))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^SCIM_TOKEN_CREATED until \S+$/), expect.stringMatching(/^SCIM_TOKEN_CREATED until \S+ \(previous token revoked\)$/), 'SCIM_TOKEN_REVOKED']),
    );
  });

  it('is for administrators only, and never for service accounts to create', async () => {
    const dana = await as(gh, 'dana');
    for (const result of [
      await cred.getScimToken({ client: dana, path: { namespace: 'system' } }),
      await cred.recreateScimToken({ client: dana, path: { namespace: 'system' }, body: {} }),
      await cred.revokeScimToken({ client: dana, path: { namespace: 'system' }, body: { namespace: 'system' } }),
    ]) {
      expect(must(result).response.status).toBe(403);
      expect(reasonOf(result.error)).toBe('ADMIN_REQUIRED');
    }
    const admin = await as(gh, 'admin');
    const service = must(await cred.createServiceCredential({ client: admin, path: { namespace: 'system' }, body: { name: 'scim-admin', type: 'SERVICE_API_TOKEN', namespace_roles: [{ namespace: 'system', role: 'admin' }] } })).data!.data;
    const asService = credentialsCaller(gh, { apiToken: service });
    expect(reasonOf(must(await cred.recreateScimToken({ client: asService, path: { namespace: 'system' }, body: {} })).error)).toBe('SERVICE_ACCOUNT_FORBIDDEN');
    expect(must(await cred.getScimToken({ client: asService, path: { namespace: 'system' } })).response.status).toBe(404);
    const unauthenticated = must(await cred.getScimToken({ client: credentialsCaller(gh), path: { namespace: 'system' } }));
    expect(unauthenticated.response.status).toBe(401);
  });
});
