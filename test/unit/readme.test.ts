import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../core/config-schema.js';
import { repoRoot } from '../support/paths.js';

describe('README', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

  it('documents every setting', () => {
    const missing = SETTINGS.filter((s) => !readme.includes(`\`${s.env}\``)).map((s) => s.env);
    expect(missing).toEqual([]);
  });

  it('gives the commands that run the service and the tests', () => {
    expect(readme).toContain('npm start');
    expect(readme).toContain('npm test');
  });
});
