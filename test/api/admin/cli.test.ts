import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as platform from '../../../generated/platform/sdk.gen.js';
import { rows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { freePort } from '../../support/net.js';
import { repoRoot } from '../../support/paths.js';
import { bootstrapAdmin, platformCaller } from '../../support/platform.js';
import { must } from '../../support/simple-auth.js';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run gatehouse -- …` as an operator types it (the same script, with plain node), bounded in time. */
function gatehouse(env: Record<string, string>, args: string[], stdin?: string): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts/gatehouse.ts'), ...args], { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin!.end(stdin ?? '');
  });
}

/** The admin command line against a live instance: the real command, its output, the database after it. */
describe('npm run gatehouse (admin CLI)', () => {
  let gh: TestGatehouse;
  let env: Record<string, string>;

  beforeAll(async () => {
    gh = await startGatehouse('sqlite', { outbox: true });
    const { token } = await bootstrapAdmin(gh);
    env = { GATEHOUSE_URL: gh.url, GATEHOUSE_TOKEN: token, GATEHOUSE_SQLITE_PATH: String(gh.database.sqlitePath), GATEHOUSE_MASTER_KEY: String(gh.config.security.masterKey), GATEHOUSE_LOG_LEVEL: 'silent' };
  });
  afterAll(async () => gh?.stop());

  it('creates a user (password from standard input) who can then sign in', async () => {
    const created = await gatehouse(env, ['accounts', 'create', 'kim', '--email', 'kim@example.com', '--role', 'viewer', '--password-stdin'], 'kim-password-123\n');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(/^[0-9a-f-]{36}\tkim\tkim@example\.com\tactive\t\tviewer\t\n$/);
    expect(await rows(gh.runtime.db, 'accounts', { username: 'kim' })).toMatchObject([{ email: 'kim@example.com', active: expect.anything() }]);
    const login = must(await platform.localLogin({ client: platformCaller(gh).client, body: { username: 'kim', password: 'kim-password-123' } }));
    expect(login.response.status).toBe(201);
    const listed = await gatehouse(env, ['--json', 'accounts', 'list', '--q', 'kim']);
    expect(JSON.parse(listed.stdout)).toMatchObject({ total: 1, items: [{ username: 'kim', roles: ['viewer'] }] });
  });

  it('makes an organization with a member, and a namespace', async () => {
    const org = JSON.parse((await gatehouse(env, ['--json', 'orgs', 'create', 'Northwind Traders'])).stdout) as { id: string; name: string };
    expect(org.name).toBe('Northwind Traders');
    expect((await gatehouse(env, ['orgs', 'add-member', org.id, 'kim', '--role', 'admin'])).code).toBe(0);
    const members = await gatehouse(env, ['orgs', 'members', org.id]);
    expect(members.stdout).toMatch(/\tkim\tkim@example\.com\tadmin\n$/);
    expect(await rows(gh.runtime.db, 'organization_memberships', {}, 'account_id')).toMatchObject([{ role: 'admin' }]);
    expect((await gatehouse(env, ['namespaces', 'create', 'payments'])).stdout).toMatch(/^payments\t0\t/);
    expect(await rows(gh.runtime.db, 'namespaces', { name: 'payments' })).toHaveLength(1);
  });

  it('rotates the signing keys on the host, without any token, and lists them through the API', async () => {
    const before = JSON.parse((await gatehouse(env, ['--json', 'keys', 'list'])).stdout) as { items: { kid: string; signing: boolean }[] };
    const { GATEHOUSE_TOKEN: _unused, ...hostOnly } = env;
    const rotated = await gatehouse({ ...hostOnly, GATEHOUSE_TOKEN: '' }, ['keys', 'rotate']);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/^new signing keys \S+, \S+ are active/);
    // the instance reads the new keys (its key cache is a minute; the JWKS asks again for an unknown kid)
    gh.clock.advance(120);
    const after = JSON.parse((await gatehouse(env, ['--json', 'keys', 'list'])).stdout) as { items: { kid: string; signing: boolean }[] };
    const signing = after.items.filter((k) => k.signing).map((k) => k.kid);
    expect(signing).toHaveLength(2);
    expect(before.items.map((k) => k.kid)).not.toContain(signing[0]);
  });

  it('registers an OAuth2 client whose printed secret works at the introspection endpoint', async () => {
    const created = await gatehouse(env, ['clients', 'create', 'reports', '--name', 'Reports', '--redirect-uri', 'https://reports.example.com/cb', '--scope', 'email']);
    expect(created.code).toBe(0);
    const [line, secret] = created.stdout.trimEnd().split('\n');
    expect(line).toBe('reports\tReports\thttps://reports.example.com/cb\temail\tconfidential\tdatabase');
    const introspected = await fetch(`${gh.url}/api/v1/auth/oauth2/token_info`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`reports:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=not-a-token',
    });
    expect(introspected.status).toBe(200);
    expect(await introspected.json()).toEqual({ active: false });
    const wrong = await fetch(`${gh.url}/api/v1/auth/oauth2/token_info`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('reports:wrong').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=x' });
    expect(wrong.status).toBe(401);
  });

  it('queries the audit trail and reads the outbox', async () => {
    const audit = await gatehouse(env, ['audit', '--module', 'admin', '--limit', '100']);
    expect(audit.stdout).toMatch(/\tinfo\tadmin\t-\tOrganization \S+ created by admin\n/);
    expect(audit.stdout).toMatch(/\tinfo\tadmin\tkim\tAccount created by admin\n/);
    const mail = await gatehouse(env, ['--json', 'mail', '--to', 'nobody@example.com']);
    expect(JSON.parse(mail.stdout)).toMatchObject({ total: 0, items: [] });
  });

  it('answers mistakes in one line with an exit code, never a stack trace', async () => {
    const missing = await gatehouse(env, ['accounts', 'get', 'nobody']);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'gatehouse: no account nobody (HTTP 404)\n' });
    const unreachable = await gatehouse({ ...env, GATEHOUSE_URL: `http://127.0.0.1:${await freePort()}` }, ['accounts', 'list']);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/^gatehouse: cannot reach Gatehouse \(ECONNREFUSED\)\n$/);
    const noToken = await gatehouse({ ...env, GATEHOUSE_TOKEN: '' }, ['accounts', 'list']);
    expect(noToken).toMatchObject({ code: 2, stderr: 'gatehouse: no administrator token: pass --token or set GATEHOUSE_TOKEN (an admin access token or API token)\n' });
    const refused = await gatehouse({ ...env, GATEHOUSE_TOKEN: 'not-a-token' }, ['accounts', 'list']);
    expect(refused).toMatchObject({ code: 1, stderr: 'gatehouse: Request did not pass any authentication schemes (HTTP 401)\n' });
    const unknown = await gatehouse(env, ['acounts', 'list']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'acounts'/);
    for (const ran of [missing, unreachable, refused, unknown]) expect(ran.stderr).not.toMatch(/\n\s+at /);
  });

  it('has --help on every command', async () => {
    for (const path of [[], ['accounts', 'update'], ['orgs', 'add-member'], ['keys', 'rotate'], ['audit'], ['bootstrap-token']]) {
      const help = await gatehouse(env, [...path, '--help']);
      expect(help.code, path.join(' ')).toBe(0);
      expect(help.stdout).toMatch(/^Usage: gatehouse/);
    }
  });
});
