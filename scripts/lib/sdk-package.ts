/**
 * The pieces of the @gatehouse/sdk package that depend on the face list: one entry module per
 * face and the manifest's `exports`, one subpath per face. A face added to scripts/lib/faces.ts
 * (and generated) is in the next build without any edit here.
 */
import type { FaceSpec } from './faces.js';

export interface SdkFace {
  readonly face: FaceSpec;
  /** the face's base path as its contract's first server gives it (`/` for faces at the root) */
  readonly basePath: string;
  /** hand-written additions in packages/sdk/src/<face>.ts, exported from the face's subpath too */
  readonly hasGlue: boolean;
}

/** The module behind `@gatehouse/sdk/<face>`: the generated SDK, its client, and `connect`. */
export function emitEntry({ face, basePath, hasGlue }: SdkFace): string {
  const gen = `./generated/${face.name}`;
  return `// @gatehouse/sdk/${face.name}: written by \`npm run build:sdk\` (scripts/build-sdk.ts). Do not edit.
import { createClient, type Client, type Config } from '${gen}/client/index.js';
import { faceBaseUrl } from './packages/sdk/src/connect.js';

export * from '${gen}/index.js';
export { client } from '${gen}/client.gen.js';
export { createClient, createConfig, mergeHeaders, type Auth, type Client, type Config, type CreateClientConfig, type RequestResult } from '${gen}/client/index.js';
${hasGlue ? `export * from './packages/sdk/src/${face.name}.js';\n` : ''}
/** Base path of the ${face.name} face (its contract's server URL). */
export const basePath = ${JSON.stringify(basePath)};

/**
 * A client of the ${face.name} face of the Gatehouse at \`origin\` (e.g. \`https://id.example.com\`):
 * its base URL is the origin followed by \`${basePath}\`. Other settings (\`auth\`, \`headers\`, \`fetch\`) as for \`createClient\`.
 */
export function connect(origin: string | URL, config: Omit<Config, 'baseUrl'> = {}): Client {
  return createClient({ ...config, baseUrl: faceBaseUrl(origin, basePath) });
}
`;
}

/** The published manifest: the template's fields, plus one subpath export per face. */
export function manifest(template: Record<string, unknown>, faces: readonly SdkFace[]): Record<string, unknown> {
  const exports: Record<string, unknown> = {};
  for (const { face } of faces) exports[`./${face.name}`] = { types: `./${face.name}.d.ts`, default: `./${face.name}.js` };
  exports['./package.json'] = './package.json';
  return { ...template, exports };
}
