import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as platform from '../../../generated/platform/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { accountRow, auditMessages } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { bootstrapAdmin, platformCaller } from '../../support/platform.js';
import { must } from '../../support/simple-auth.js';

describe.each(DATABASES)('platform OIDC provider configuration on %s', (kind) => {
  let gh: TestGatehouse;
  let admin: ReturnType<typeof platformCaller>['client'];

  beforeAll(async () => {
    gh = await startGatehouse(kind);
    admin = platformCaller(gh, { token: (await bootstrapAdmin(gh)).token }).client;
  });
  afterAll(async () => gh?.stop());

  it('answers a never-configured provider with enabled false and nulls (not 404)', async () => {
    const result = must(await platform.getOidcProvider({ client: admin }));
    expect(result.response.status).toBe(200);
    expect(result.data).toEqual({ enabled: false, issuer_url: null, jwks_url: null, audience: null, client_id: null, scopes: null, updated_at: null, secret_stored: false });
  });

  it('stores a trimmed configuration with the secret sealed, and never returns the secret', async () => {
    const put = must(
      await platform.upsertOidcProvider({
        client: admin,
        body: { enabled: true, issuer_url: ' https://login.example.com/realms/a ', client_id: 'ui', client_secret: 's3cret-value', scopes: 'profile email' },
      }),
    );
    expect(put.response.status).toBe(204);
    const row = await gh.runtime.db('oidc_provider').first();
    expect(row.issuer_url).toBe('https://login.example.com/realms/a');
    expect(String(row.client_secret_sealed)).toMatch(/^v1\./);
    expect(String(row.client_secret_sealed)).not.toContain('s3cret-value');
    const got = must(await platform.getOidcProvider({ client: admin }));
    expect(got.data).toMatchObject({ enabled: true, client_id: 'ui', scopes: 'openid profile email', secret_stored: true, jwks_url: null });
    expect(JSON.stringify(got.data)).not.toContain('s3cret');
    const adminRow = await accountRow(gh.runtime.db, 'admin');
    expect(await auditMessages(gh.runtime.db, Number(adminRow!.id))).toContain('AUTH_OIDC_PROVIDER_UPSERT enabled=true (secret set)');
  });

  it('replaces the whole configuration: a PUT without the secret clears it, and says so in the audit trail', async () => {
    const put = must(await platform.upsertOidcProvider({ client: admin, body: { enabled: true, issuer_url: 'https://login.example.com/realms/a', client_id: 'ui' } }));
    expect(put.response.status).toBe(204);
    const got = must(await platform.getOidcProvider({ client: admin }));
    expect(got.data).toMatchObject({ secret_stored: false, scopes: null });
    expect((await gh.runtime.db('oidc_provider').first()).client_secret_sealed).toBeNull();
    const adminRow = await accountRow(gh.runtime.db, 'admin');
    expect(await auditMessages(gh.runtime.db, Number(adminRow!.id))).toContain('AUTH_OIDC_PROVIDER_UPSERT enabled=true (secret cleared)');
  });

  it('validates: enabled required, issuer and client id when enabled, https (or loopback http) URLs', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ issuer_url: 'https://a.example' }, 'enabled is required'],
      [{ enabled: true, client_id: 'ui' }, 'oidc issuer_url is required when oidc is enabled'],
      [{ enabled: true, issuer_url: 'https://a.example', client_id: '  ' }, 'oidc client_id is required when oidc is enabled'],
      [{ enabled: true, issuer_url: 'http://idp.example', client_id: 'ui' }, 'invalid issuer_url'],
      [{ enabled: false, jwks_url: 'ftp://a.example/jwks' }, 'invalid jwks_url'],
    ];
    for (const [body, message] of cases) {
      const result = must(await platform.upsertOidcProvider({ client: admin, body: body as never }));
      expect(result.response.status, message).toBe(400);
      expect(result.error).toEqual({ code: 400, message });
    }
    const loopback = must(await platform.upsertOidcProvider({ client: admin, body: { enabled: false, issuer_url: 'http://127.0.0.1:9/' } }));
    expect(loopback.response.status).toBe(204);
  });

  it('refuses callers without credentials before looking at the body', async () => {
    const result = must(await platform.upsertOidcProvider({ client: platformCaller(gh).client, body: {} as never }));
    expect(result.response.status).toBe(401);
  });
});
