/**
 * npm run build (and `prestart`, so `npm start` never runs a stale bundle) — compiles the service
 * into one ES module, `dist/gatehouse.mjs`, with esbuild. Packages stay imports of node_modules
 * (native drivers, lazily loaded ones); only Gatehouse's own TypeScript is bundled.
 *
 * Why not run server/main.ts through tsx in production, as the tests do: tsx registers its loader
 * on a thread of its own with a V8 heap of its own, and keeps every transformed source; that is
 * about 50 MB of the process's resident memory for nothing the service does.
 *
 * Several `npm start`s may build at once (the tests start many): each writes a file of its own
 * and renames it over the bundle, so a process never loads a half-written one.
 */
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BUNDLE = 'dist/gatehouse.mjs';

export async function buildService(root: string): Promise<string> {
  const outfile = join(root, BUNDLE);
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['server/main.ts'],
    // server/contract.ts and server/docs-contract.ts find generated/ from their own directory:
    // dist/ sits beside server/, so `../generated` is the same directory from both.
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    sourcemap: 'linked',
    write: false,
    logLevel: 'silent',
  });
  mkdirSync(join(root, 'dist'), { recursive: true });
  for (const file of result.outputFiles) {
    const partial = `${file.path}.${process.pid}.partial`;
    writeFileSync(partial, file.contents);
    renameSync(partial, file.path);
  }
  return outfile;
}

if (import.meta.filename === process.argv[1]) {
  buildService(join(import.meta.dirname, '..')).catch((error: { errors?: { text: string; location?: { file: string; line: number } | null }[] }) => {
    const first = error.errors?.[0];
    console.error(`build failed: ${first ? `${first.location ? `${first.location.file}:${first.location.line}: ` : ''}${first.text}` : String(error)}`);
    process.exit(1);
  });
}
