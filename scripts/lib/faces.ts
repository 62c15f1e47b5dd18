import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';

/**
 * The faces Gatehouse serves: one hand-written contract each (openapi/<name>.yaml), found on disk,
 * so a new face's contract is generated, linted and packaged without editing any list here.
 * `prefix` namespaces a face's components when all faces are merged into one document, and names
 * its generated types (`<Prefix>Handlers`): PascalCase of the file name, or the contract's
 * `info.x-gatehouse-prefix` where that reads better (wellknown → WellKnown).
 */
export interface FaceSpec {
  /** file stem under openapi/ and folder under generated/ */
  readonly name: string;
  /** PascalCase prefix for merged component names and generated type names */
  readonly prefix: string;
}

const openapiDir = resolve(import.meta.dirname, '../../openapi');

function prefixOf(name: string): string {
  const info = (load(readFileSync(join(openapiDir, `${name}.yaml`), 'utf8')) as { info?: { 'x-gatehouse-prefix'?: unknown } }).info;
  const declared = info?.['x-gatehouse-prefix'];
  return typeof declared === 'string' ? declared : name.replace(/(^|-)([a-z])/g, (_m, _dash, letter: string) => letter.toUpperCase());
}

export const FACES: readonly FaceSpec[] = readdirSync(openapiDir)
  .filter((file) => file.endsWith('.yaml'))
  .map((file) => file.slice(0, -'.yaml'.length))
  .sort()
  .map((name) => ({ name, prefix: prefixOf(name) }));
