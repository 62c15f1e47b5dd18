import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cruise, type IConfiguration } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';

/**
 * `npm run check:architecture` passes on the product (CI runs it); these fixtures, each a small tree
 * holding one deliberately wrong import, prove that every rule of .dependency-cruiser.cjs bites.
 */
const config = createRequire(import.meta.url)(join(repoRoot, '.dependency-cruiser.cjs')) as IConfiguration;
const fixtures = join(repoRoot, 'test/architecture/fixtures');

async function violations(): Promise<string[]> {
  const result = await cruise(['core', 'db', 'handlers', 'server', 'scripts'], {
    validate: true,
    ruleSet: { forbidden: config.forbidden },
    baseDir: fixtures,
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
  });
  if (typeof result.output === 'string') throw new Error('dependency-cruiser answered text, not a cruise result');
  return result.output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to.replace(/^.*node_modules\/([^/]+)\/.*$/, 'node_modules/$1')}`).sort();
}

describe('the import rules', () => {
  it('refuse each deliberately wrong import of the fixtures, and only those', async () => {
    const found = await violations();
    expect(found).toEqual(
      [
        'core-knows-no-framework: core/faces/portal/uses-a-framework.ts → node_modules/express',
        'core-knows-no-framework: core/faces/portal/uses-a-framework.ts → node_modules/knex',
        'db-knows-no-server: db/reaches-the-server.ts → server/faces/portal/reaches-another-face.ts',
        'face-knows-no-other-face: core/faces/mgmt/reaches-another-face.ts → core/faces/portal/rules.ts',
        'face-knows-no-other-face: server/faces/portal/reaches-another-face.ts → core/faces/mgmt/reaches-another-face.ts',
        'handlers-reach-no-storage: handlers/portal/reaches-storage.ts → db/store.ts',
        'kernel-knows-no-face: core/kernel/reaches-a-face.ts → core/faces/portal/rules.ts',
        'product-imports-no-tests: scripts/reaches-tests.ts → test/support/helper.ts',
      ].sort(),
    );
  });

  it('name every rule of the configuration in a fixture, so none is untested', async () => {
    const found = new Set((await violations()).map((v) => v.split(':')[0]));
    const untested = config.forbidden!.map((r) => r.name!).filter((name) => !found.has(name));
    expect(untested).toEqual([]);
  });
});
