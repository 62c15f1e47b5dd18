/**
 * npm run generate — the only writer of generated/.
 *
 * 1. bundles each face's hand-written contract (resolving `$ref`s into components) with Redocly;
 * 2. runs @hey-api/openapi-ts per face into generated/<face>/ (types, SDK, fetch client);
 * 3. emits per face a route table and a handler-map type built from hey-api's types;
 * 4. writes generated/openapi.bundle.yaml: every face merged, with full paths, for the request
 *    validator, the docs page and Prism.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createClient } from '@hey-api/openapi-ts';
import { dump } from 'js-yaml';
import { FACES as ALL_FACES } from './lib/faces.js';
import { emitFaceIndex, emitHandlerMap, emitRouteTable, HANDLER_TYPES, readSdkTypeNames } from './lib/emit.js';
import { mergeFaces } from './lib/merge.js';
import type { OpenApiDocument } from './lib/openapi-types.js';

const root = resolve(import.meta.dirname, '..');
const generated = join(root, 'generated');
// Faces whose contract is not written yet are skipped (the set grows face by face).
const FACES = ALL_FACES.filter((face) => existsSync(join(root, 'openapi', `${face.name}.yaml`)));
const redocly = join(root, 'node_modules/@redocly/cli/bin/cli.js');

function bundleAll(): Map<string, { file: string; doc: OpenApiDocument }> {
  const out = mkdtempSync(join(tmpdir(), 'gatehouse-bundle-'));
  const result = new Map<string, { file: string; doc: OpenApiDocument }>();
  for (const face of FACES) {
    const file = join(out, `${face.name}.json`);
    execFileSync(process.execPath, [redocly, 'bundle', join(root, 'openapi', `${face.name}.yaml`), '--ext', 'json', '-o', file], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    result.set(face.name, { file, doc: JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument });
  }
  return result;
}

async function main(): Promise<void> {
  const bundles = bundleAll();
  rmSync(generated, { recursive: true, force: true });
  mkdirSync(generated, { recursive: true });

  await createClient(
    FACES.map((face) => ({
      input: bundles.get(face.name)!.file,
      output: { path: join(generated, face.name), importFileExtension: '.js' as const },
      plugins: ['@hey-api/typescript', '@hey-api/sdk', '@hey-api/client-fetch'],
      logs: { level: 'silent' as const },
    })),
  );

  const faces = FACES.map((face) => ({ face, doc: bundles.get(face.name)!.doc }));
  for (const { face, doc } of faces) {
    const dir = join(generated, face.name);
    copyFileSync(bundles.get(face.name)!.file, join(dir, 'openapi.json'));
    const names = readSdkTypeNames(readFileSync(join(dir, 'sdk.gen.ts'), 'utf8'));
    writeFileSync(join(dir, 'routes.gen.ts'), emitRouteTable(face, doc));
    writeFileSync(join(dir, 'handlers.gen.ts'), emitHandlerMap(face, doc, names));
  }
  writeFileSync(join(generated, 'faces.gen.ts'), emitFaceIndex(faces));
  writeFileSync(join(generated, 'handler-types.gen.ts'), HANDLER_TYPES);
  const merged = mergeFaces(faces);
  writeFileSync(join(generated, 'openapi.bundle.yaml'), dump(merged, { noRefs: true, lineWidth: -1 }));
  console.log(`generated ${faces.length} faces, ${Object.keys(merged.paths).length} paths into generated/`);
}

await main();
