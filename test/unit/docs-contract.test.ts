import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../core/config.js';
import { publishedContract } from '../../server/docs-contract.js';
import { FACES } from '../../server/faces/index.js';

interface Doc {
  info: { description: string };
  paths: Record<string, unknown>;
  tags: { name: string; 'x-displayName': string }[];
  'x-tagGroups': { name: string; tags: string[] }[];
}

/** What /openapi.json publishes follows the faces a build mounts, not everything that was generated. */
describe('published contract', () => {
  const faces = FACES;

  it('holds only the mounted faces: their paths, tags, one tag group and one introduction each', () => {
    const mgmt = faces.filter((f) => f.face === 'mgmt');
    const doc = publishedContract(mgmt) as unknown as Doc;
    expect(Object.keys(doc.paths).sort()).toEqual([...new Set(Object.values(mgmt[0]!.routes).map((r) => r.path))].sort());
    expect(doc['x-tagGroups']).toEqual([{ name: 'mgmt', tags: ['mgmt: authentication'] }]);
    expect(doc.tags.map((t) => [t.name, t['x-displayName']])).toEqual([['mgmt: authentication', 'authentication']]);
    expect(doc.info.description).toContain('Base path: `/api`');
    expect(doc.info.description).not.toContain('simple-auth API');
  });

  it('groups every tag of every mounted face exactly once', () => {
    const doc = publishedContract(faces) as unknown as Doc;
    const grouped = doc['x-tagGroups'].flatMap((g) => g.tags);
    expect(grouped.sort()).toEqual(doc.tags.map((t) => t.name).sort());
    expect(new Set(grouped).size).toBe(grouped.length);
    for (const group of doc['x-tagGroups']) for (const tag of group.tags) expect(tag.startsWith(`${group.name}: `)).toBe(true);
  });
});
