/**
 * npm run check:generated — regenerates and fails if generated/ differs from what is committed
 * (generated code is tool output only; a hand edit or a forgotten regeneration is caught here).
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
execFileSync(process.execPath, ['--import', 'tsx', 'scripts/generate.ts'], { cwd: root, stdio: 'inherit' });
const drift = execFileSync('git', ['status', '--porcelain', '--', 'generated'], { cwd: root, encoding: 'utf8' });
if (drift.trim()) {
  console.error('generated/ is out of date with openapi/ — run `npm run generate` and commit:\n' + drift);
  execFileSync('git', ['--no-pager', 'diff', '--stat', '--', 'generated'], { cwd: root, stdio: 'inherit' });
  process.exit(1);
}
console.log('generated/ matches openapi/');
