/**
 * npm run build:sdk — builds the installable @gatehouse/sdk package into packages/sdk/dist/.
 *
 * The generated SDK of every face (generated/<face>/: types, SDK functions, fetch client; not the
 * server's route tables) and the hand-written glue in packages/sdk/src/ are copied into a staging
 * tree beside one entry module per face, and compiled there by the repository's TypeScript into
 * ES modules with declarations. The manifest (packages/sdk/package.json) gets one subpath export
 * per face. The package has no runtime dependencies: the generated client uses the global fetch.
 * Pack it with `npm pack ./packages/sdk/dist`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { FACES } from './lib/faces.js';
import { basePathOf, type OpenApiDocument } from './lib/openapi-types.js';
import { emitEntry, manifest, type SdkFace } from './lib/sdk-package.js';

const root = resolve(import.meta.dirname, '..');
const sdkDir = join(root, 'packages/sdk');
const dist = join(sdkDir, 'dist');
/** Server-side output of `npm run generate`: no business of an API client. */
const SERVER_ONLY = new Set(['routes.gen.ts', 'handlers.gen.ts', 'openapi.json']);

function sdkFaces(): SdkFace[] {
  // A face whose contract is not written yet has no generated SDK (scripts/generate.ts skips it).
  const faces = FACES.filter((face) => existsSync(join(root, 'openapi', `${face.name}.yaml`)));
  return faces.map((face) => {
    const generated = join(root, 'generated', face.name);
    if (!existsSync(join(generated, 'index.ts'))) throw new Error(`generated/${face.name}/ is missing: run npm run generate first`);
    const doc = JSON.parse(readFileSync(join(generated, 'openapi.json'), 'utf8')) as OpenApiDocument;
    return { face, basePath: basePathOf(doc) || '/', hasGlue: existsSync(join(sdkDir, 'src', `${face.name}.ts`)) };
  });
}

function stage(faces: readonly SdkFace[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sdk-'));
  for (const { face } of faces) {
    cpSync(join(root, 'generated', face.name), join(dir, 'generated', face.name), { recursive: true, filter: (src) => !SERVER_ONLY.has(basename(src)) });
    writeFileSync(join(dir, `${face.name}.ts`), emitEntry(faces.find((f) => f.face === face)!));
  }
  // The glue imports the generated code by its repository path; the staging tree keeps that layout.
  cpSync(join(sdkDir, 'src'), join(dir, 'packages/sdk/src'), { recursive: true });
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      lib: ['ES2023', 'DOM'],
      types: [],
      strict: true,
      declaration: true,
      noEmitOnError: true,
      skipLibCheck: true,
      rootDir: dir,
      outDir: dist,
    },
    files: faces.map(({ face }) => `${face.name}.ts`),
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  // The staging tree is an ES module package, as the published one is.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  return dir;
}

function main(): void {
  const faces = sdkFaces();
  rmSync(dist, { recursive: true, force: true });
  const dir = stage(faces);
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { stdio: 'inherit' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const template = JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8')) as Record<string, unknown>;
  mkdirSync(dist, { recursive: true });
  writeFileSync(join(dist, 'package.json'), `${JSON.stringify(manifest(template, faces), null, 2)}\n`);
  cpSync(join(sdkDir, 'README.md'), join(dist, 'README.md'));
  console.log(`built ${template.name}@${template.version} (${faces.map((f) => f.face.name).join(', ')}) into packages/sdk/dist/`);
}

main();
