import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { faces as GENERATED_FACES } from '../generated/faces.gen.js';
import type { AnyFaceModule } from './faces/module.js';

/** What the published contract reads of a face: its name and route table. */
type FaceBinding = Pick<AnyFaceModule, 'face' | 'routes'>;
import { contractFor } from './contract.js';

interface TagObject {
  name: string;
  description?: string;
}

interface FaceInfo {
  title: string;
  description?: string;
}

const generatedDir = join(import.meta.dirname, '../generated');

/** A face's own document's `info` (generated/<face>/openapi.json): its title and long description. */
function faceInfo(face: FaceBinding['face']): FaceInfo {
  const doc = JSON.parse(readFileSync(join(generatedDir, face, 'openapi.json'), 'utf8')) as { info: FaceInfo };
  return doc.info;
}

function basePathOf(face: FaceBinding['face']): string {
  return GENERATED_FACES.find((f) => f.name === face)?.basePath || '/';
}

/** The tags the face's mounted operations carry in the bundle, in the bundle's tag order. */
function tagsOfFace(paths: Record<string, Record<string, unknown>>, binding: FaceBinding): Set<string> {
  const tags = new Set<string>();
  for (const route of Object.values(binding.routes)) {
    const operation = paths[route.path]?.[route.method] as { tags?: string[] } | undefined;
    for (const tag of operation?.tags ?? []) tags.add(tag);
  }
  return tags;
}

/**
 * The contract Gatehouse publishes at /openapi.json, /openapi.yaml and on /docs: the bundled
 * document (generated/openapi.bundle.yaml) restricted to the mounted faces' paths — the same
 * document the request validator enforces — with what a reader needs added: each face's own
 * introduction (its base path, authentication and error shape, from the face's document) in
 * `info.description`, and an `x-tagGroups` entry per face so a reference page groups the
 * operations by face. Tags of faces that are not mounted are left out.
 */
export function publishedContract(faces: readonly FaceBinding[]): Record<string, unknown> {
  const mounted = new Set(faces.flatMap((f) => Object.values(f.routes).map((r) => r.path)));
  const doc = contractFor(mounted) as Record<string, unknown> & { paths: Record<string, Record<string, unknown>>; tags?: TagObject[]; info: FaceInfo & { version: string } };
  const groups = faces.map((binding) => ({ name: binding.face, tags: [...tagsOfFace(doc.paths, binding)] })).filter((g) => g.tags.length > 0);
  // Inside its face's group a tag reads as the face's own document names it ("Auth", not "platform: Auth").
  const faceOfTag = new Map(groups.flatMap((g) => g.tags.map((tag) => [tag, g.name] as const)));
  const sections = faces.map((binding) => {
    const info = faceInfo(binding.face);
    return `# ${info.title}\n\nBase path: \`${basePathOf(binding.face)}\`. Operations: ${Object.keys(binding.routes).length}.\n\n${info.description ?? ''}`;
  });
  const intro = [
    'Every face of this Gatehouse in one document, with full paths. One identity store answers all of them:',
    'an account created through any face signs in through every face, and an access token issued by any face',
    'identifies its account on every face. This document is also served as `/openapi.json` and `/openapi.yaml`;',
    'typed clients for each face are in the `@gatehouse/sdk` package.',
  ].join(' ');
  return {
    ...doc,
    info: { ...doc.info, title: 'Gatehouse API reference', description: [intro, ...sections].join('\n\n') },
    tags: (doc.tags ?? []).filter((t) => faceOfTag.has(t.name)).map((t) => ({ ...t, 'x-displayName': t.name.replace(`${faceOfTag.get(t.name)}: `, '') })),
    'x-tagGroups': groups,
  };
}
