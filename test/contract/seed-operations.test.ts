import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { operationsOf, type OpenApiDocument } from '../../scripts/lib/openapi-types.js';
import { repoRoot } from '../support/paths.js';
import { readSeeds } from '../support/seeds.js';

/** The hand-written contracts, read directly (not through generated/). */
function specOperations(face: string) {
  const doc = load(readFileSync(join(repoRoot, 'openapi', `${face}.yaml`), 'utf8')) as OpenApiDocument;
  return operationsOf(doc);
}

describe('every operation of every seed document is in its face contract', () => {
  const seeds = readSeeds();

  it('reads the 70 documented operations (7 + 6 + 18 + 23 + 16)', () => {
    expect(seeds.map((s) => [s.face, s.operations.length])).toEqual(seeds.map((s) => [s.face, s.expectedCount]));
    expect(seeds.reduce((n, s) => n + s.operations.length, 0)).toBe(70);
  });

  for (const seed of seeds) {
    describe(`${seed.face} (${seed.file})`, () => {
      const ops = specOperations(seed.face);
      for (const op of seed.operations) {
        it(`${op.method} ${op.path}`, () => {
          const found = ops.find((o) => o.method === op.method.toLowerCase() && o.path === op.path);
          const samePath = ops.filter((o) => o.path === op.path).map((o) => o.method.toUpperCase());
          expect(found, `missing; the spec has ${samePath.join(', ') || 'no operation'} on this path`).toBeDefined();
          if (op.operationId) expect(found!.operationId).toBe(op.operationId);
        });
      }
    });
  }

  it('operationIds are unique across all faces', () => {
    const ids = ['platform', 'mgmt', 'credentials', 'simple-auth', 'portal', 'wellknown'].flatMap((f) => specOperations(f).map((o) => o.operationId));
    const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(dupes).toEqual([]);
  });
});
