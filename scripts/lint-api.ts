/**
 * npm run lint:api — Redocly's linter over every hand-written contract (rules in redocly.yaml:
 * examples must validate against their schemas, operationIds unique, security defined, ...).
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { FACES } from './lib/faces.js';

const root = resolve(import.meta.dirname, '..');
const files = FACES.map((f) => join('openapi', `${f.name}.yaml`));
const result = spawnSync(process.execPath, [join(root, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', ...files, '--format', 'stylish'], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
