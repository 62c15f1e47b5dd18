import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { rows } from '../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { repoRoot } from '../support/paths.js';
import { readmeBlock, substitute } from '../support/readme-recipes.js';

/** The README's walks, in the README's order: each is run exactly as written but for the address. */
const WALKS = [
  'The platform face with curl',
  'A walk through the simple-auth face with curl',
  'The mgmt face with curl',
  'The portal face with curl',
  'The credentials face with curl',
  'Administer it',
  'Provisioning with SCIM',
];

/** The walks compute TOTP codes with oathtool from the real time: the instance keeps real time too. */
class WallClock extends ManualClock {
  override now(): Date {
    return new Date();
  }
}

function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/**
 * A new user's first hour: every curl walk of the README, one after another in one shell against
 * a fresh instance, as a reader would paste them. A walk that no longer works fails here.
 */
describe('the README walks, run as written against a fresh instance', () => {
  let gh: TestGatehouse;
  let dir: string;

  beforeAll(async () => {
    gh = await startGatehouse('sqlite', { outbox: true, clock: new WallClock() });
    // Inside the checkout (and ignored by git), so the walks' `npm run gatehouse` finds the project.
    dir = mkdtempSync(join(repoRoot, '.readme-walk-'));
  });
  afterAll(async () => {
    await gh?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs every walk to the end, leaving what each says it makes', { timeout: 180_000 }, async () => {
    const script = ['set -euo pipefail', ...WALKS.map((heading) => `echo "### ${heading}"\n${substitute(readmeBlock(heading, 'sh'), [['http://127.0.0.1:8080', gh.url]])}`)].join('\n');
    const ran = await bash(script, dir, { GATEHOUSE_LOG_LEVEL: 'silent' });
    expect(ran.code, ran.output.slice(-4000)).toBe(0);
    for (const heading of WALKS) expect(ran.output).toContain(`### ${heading}`);

    const accounts = await rows(gh.runtime.db, 'accounts', {}, 'username');
    expect(accounts.map((a) => a.username)).toEqual(['ada', 'admin', 'build-agent@system.service.invalid', 'dana', 'kim', 'lee']);
    const by = (name: string) => accounts.find((a) => a.username === name)!;
    expect(by('ada').totp_secret).not.toBeNull();
    expect(by('kim').active).toBeFalsy();
    expect(by('lee').active).toBeFalsy();
    expect((await rows(gh.runtime.db, 'organizations', {}, 'name')).map((o) => o.name)).toEqual(['Contoso', 'Engineering', 'Northwind Traders']);
    const credentials = (await rows(gh.runtime.db, 'api_credentials', {}, 'name')).map((c) => c.name);
    expect(credentials).toEqual(expect.arrayContaining(['laptop-cert', 'prod-kube', 'build-agent', 'scim-token']));
    expect(credentials).not.toContain('ci-deploy-token');
    expect(existsSync(join(dir, 'laptop.p12'))).toBe(true);
    expect(ran.output).toMatch(/subject=.*CN ?= ?admin/);
  });
});
