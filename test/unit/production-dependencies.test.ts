import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';

/** What `npm start` and the operator commands load; a production install has only `dependencies`. */
const RUNTIME = ['core', 'db', 'handlers', 'server', 'generated', 'scripts/build.ts', 'scripts/migrate.ts', 'scripts/keys-rotate.ts', 'scripts/bootstrap-token.ts', 'scripts/gatehouse.ts', 'scripts/cli', 'scripts/budgets-release.ts', 'scripts/lib/admin-cli.ts'];

function sources(path: string): string[] {
  const full = join(repoRoot, path);
  if (statSync(full).isFile()) return path.endsWith('.ts') ? [full] : [];
  return readdirSync(full).flatMap((name) => sources(join(path, name)));
}

/** The package a bare specifier names: `mysql2/promise` → mysql2, `@node-rs/bcrypt` → @node-rs/bcrypt. */
const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/**
 * `npm ci --omit=dev && npm start` must work: every package the running service imports (type-only
 * imports vanish at run time) is a production dependency, and so is the TypeScript loader `npm start`
 * runs node with. The README's "Production install" relies on it.
 */
describe('a production install (npm ci --omit=dev)', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; scripts: Record<string, string> };
  const builtins = new Set(builtinModules);

  it('has every package the service imports', () => {
    const missing: string[] = [];
    for (const file of RUNTIME.flatMap(sources)) {
      const text = readFileSync(file, 'utf8');
      const imports = [...text.matchAll(/^\s*(?:import|export)(?!\s+type\b)[^'"]*?\sfrom\s+'([^'.][^']*)'/gm), ...text.matchAll(/\bimport\(\s*'([^'.][^']*)'\s*\)/g)];
      for (const [, specifier] of imports) {
        const name = packageOf(specifier!);
        if (!name.startsWith('node:') && !builtins.has(name) && !(name in pkg.dependencies)) missing.push(`${relative(repoRoot, file)}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('builds the bundle npm start runs, and runs the operator commands, with production dependencies', () => {
    expect(pkg.scripts.prestart).toBe('npm run -s build');
    expect(pkg.scripts.build).toBe('node --import tsx scripts/build.ts');
    expect(pkg.scripts.start).toMatch(/^exec node (--[\w-]+=\w+ )*dist\/gatehouse\.mjs$/);
    for (const script of ['migrate', 'migrate:status']) expect(pkg.scripts[script]).toMatch(/^exec node --import tsx /);
    expect(pkg.dependencies).toHaveProperty('tsx');
    expect(pkg.dependencies).toHaveProperty('esbuild');
  });
});
