import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACES } from '../../scripts/lib/faces.js';
import { rows } from '../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { repoRoot } from '../support/paths.js';
import { bearerOf } from '../support/credentials.js';
import { scimToken } from '../support/scim.js';

const run = promisify(execFile);
/** Child npm runs as it would in another project, not with the settings `npm test` exports. */
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
const npm = (args: string[], cwd: string) => run('npm', args, { cwd, env, timeout: 180_000 });
const SHARED_KEY = 'sdk-test-shared-key-0123456789';
const faces = FACES.filter((face) => existsSync(join(repoRoot, 'openapi', `${face.name}.yaml`))).map((face) => face.name);

/**
 * @gatehouse/sdk as another project gets it: built, packed, installed from the tarball with no
 * registry, type-checked by a strict TypeScript program importing every face's subpath, then run
 * with plain node against a live Gatehouse. About 30 s of CPU, most of it tsc (build and check);
 * 1–2 minutes of wall time on a shared two-core machine.
 */
describe('@gatehouse/sdk packed, installed and used from another project', () => {
  let scratch: string;
  let tarball: string;
  let gh: TestGatehouse;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'gatehouse-sdk-pack-'));
    gh = await startGatehouse('sqlite', { settings: { sharedKey: { enabled: true, secret: SHARED_KEY } } });
  });
  afterAll(async () => {
    await gh?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('builds and packs one subpath per face, with JavaScript and declarations and nothing of the server', { timeout: 360_000 }, async () => {
    await npm(['run', 'build:sdk'], repoRoot);
    const { stdout } = await npm(['pack', join(repoRoot, 'packages/sdk/dist'), '--pack-destination', scratch, '--json'], repoRoot);
    const [packed] = JSON.parse(stdout) as { name: string; filename: string; files: { path: string }[] }[];
    expect(packed!.name).toBe('@gatehouse/sdk');
    tarball = join(scratch, packed!.filename);
    const files = packed!.files.map((f) => f.path);
    for (const face of faces) expect(files).toEqual(expect.arrayContaining([`${face}.js`, `${face}.d.ts`, `generated/${face}/sdk.gen.js`, `generated/${face}/types.gen.d.ts`]));
    expect(files.filter((f) => /routes\.gen|handlers\.gen|openapi\.json/.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'packages/sdk/dist/package.json'), 'utf8')) as { exports: Record<string, unknown>; dependencies?: unknown };
    expect(Object.keys(manifest.exports)).toEqual([...faces.map((face) => `./${face}`), './package.json']);
    expect(manifest.dependencies).toBeUndefined();
  });

  it('installs from the tarball offline and type-checks a strict program importing every face, and the README examples', { timeout: 360_000 }, async () => {
    const project = join(scratch, 'consumer');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await npm(['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], project);
    expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).dependencies).toHaveProperty('@gatehouse/sdk');

    copyFileSync(join(repoRoot, 'test/sdk/consumer/main.ts'), join(project, 'main.ts'));
    const source = readFileSync(join(project, 'main.ts'), 'utf8');
    for (const face of faces) expect(source).toContain(`from '@gatehouse/sdk/${face}'`);
    // The package README's examples are checked alongside, so they cannot drift from the API.
    const examples = [...readFileSync(join(repoRoot, 'packages/sdk/README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    examples.forEach((code, i) => writeFileSync(join(project, `readme-${i}.ts`), code));
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        lib: ['ES2023'],
        types: ['node'],
        typeRoots: [join(repoRoot, 'node_modules/@types')],
        strict: true,
        noUncheckedIndexedAccess: true,
        skipLibCheck: false,
        outDir: 'build',
      },
      files: ['main.ts', ...examples.map((_, i) => `readme-${i}.ts`)],
    };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    // tsc reports type errors on stdout: show them, not only its exit code.
    const checked = await run(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project, timeout: 180_000 }).catch((e: { stdout: string; stderr: string; code?: number }) => e);
    expect({ stdout: checked.stdout, stderr: checked.stderr, code: 'code' in checked ? checked.code : 0 }).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(existsSync(join(project, 'build/main.js'))).toBe(true);
  });

  it('runs with plain node against a live Gatehouse: one operation per face answers', { timeout: 60_000 }, async () => {
    const project = join(scratch, 'consumer');
    const scim = await scimToken(gh, { bootstrap: true });
    const { stdout } = await run(process.execPath, [join(project, 'build/main.js'), gh.url, SHARED_KEY, scim, await bearerOf(gh, 'admin')], { cwd: project, timeout: 30_000 });
    const out = JSON.parse(stdout) as Record<string, Record<string, unknown>> & { accountId: string; simpleAuthBasePath: string };
    const [account] = await rows(gh.runtime.db, 'accounts', { username: 'sdk.user' });
    expect(out.accountId).toBe(account!.uuid);
    expect(out.simpleAuthBasePath).toBe('/api/v1');
    expect(out.tokenInfo).toEqual({ username: 'sdk.user', roles: expect.any(Array) });
    expect(out.portal).toEqual({ id: account!.uuid, email: 'sdk.user@example.com' });
    expect(out.credentials).toEqual({ minted: 'sdk-token', tokenPrefix: 'ghk_', listed: ['sdk-token'], plainAuthStatus: 401 });
    const [credential] = await rows(gh.runtime.db, 'api_credentials', { name: 'sdk-token' });
    expect(credential).toMatchObject({ type: 'API_TOKEN', account_id: account!.id });
    expect(out.scim).toEqual({ total: 1, id: account!.uuid });
    expect(out.admin).toEqual([account!.uuid]);
    expect(out.discovery).toEqual({ issuer: gh.config.server.publicUrl, jwks_uri: `${gh.config.server.publicUrl}/.well-known/jwks.json` });
    expect(out.readiness).toBe('ready');
  });
});
