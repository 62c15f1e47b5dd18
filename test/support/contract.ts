import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { load } from 'js-yaml';
import { HTTP_METHODS, type OpenApiDocument } from '../../scripts/lib/openapi-types.js';
import { repoRoot } from './paths.js';

/**
 * Validates responses seen in tests against the bundled contract (every face, full paths), so a
 * handler (or the mock) that answers outside its contract fails the test that saw it.
 */
const bundle = load(readFileSync(join(repoRoot, 'generated/openapi.bundle.yaml'), 'utf8')) as OpenApiDocument;
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
ajv.addSchema(bundle as object, 'gatehouse');

interface Located {
  method: string;
  path: string;
  pointer: string;
}

const byOperationId = new Map<string, Located>();
for (const [path, item] of Object.entries(bundle.paths)) {
  for (const method of HTTP_METHODS) {
    const op = item[method];
    if (op?.operationId) byOperationId.set(op.operationId, { method, path, pointer: `/paths/${escape(path)}/${method}` });
  }
}

/** Every path of the bundle with its operationIds by method. */
export function bundledPaths(): { path: string; methods: Record<string, string> }[] {
  return Object.entries(bundle.paths).map(([path, item]) => ({
    path,
    methods: Object.fromEntries(HTTP_METHODS.flatMap((m) => (item[m]?.operationId ? [[m, item[m]!.operationId!]] : []))),
  }));
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function resolvePointer(pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], bundle);
}

/** Follows a component `$ref` (responses are often references) to its target's pointer. */
function deref(pointer: string): string {
  const node = resolvePointer(pointer) as { $ref?: string } | undefined;
  return node?.$ref?.startsWith('#') ? deref(node.$ref.slice(1)) : pointer;
}

const validators = new Map<string, ValidateFunction>();

export function operationLocation(operationId: string): Located {
  const loc = byOperationId.get(operationId);
  if (!loc) throw new Error(`no operation ${operationId} in the bundled contract`);
  return loc;
}

/**
 * Asserts that `status`, `contentType` and `body` are a response the contract documents for the
 * operation. Returns the list of problems (empty when the response conforms).
 */
export function contractProblems(operationId: string, status: number, contentType: string | null, body: unknown): string[] {
  const { pointer } = operationLocation(operationId);
  const responses = resolvePointer(`${pointer}/responses`) as Record<string, unknown>;
  const key = String(status) in responses ? String(status) : 'default' in responses ? 'default' : undefined;
  if (!key) return [`status ${status} is not documented for ${operationId} (documented: ${Object.keys(responses).join(', ')})`];
  const responsePointer = deref(`${pointer}/responses/${key}`);
  const content = (resolvePointer(responsePointer) as { content?: Record<string, unknown> }).content;
  if (!content) return body === undefined || body === null || body === '' ? [] : [`${operationId} ${status} documents no body`];
  const media = (contentType ?? '').split(';')[0]!.trim();
  if (!(media in content)) return [`content type ${media || '(none)'} not documented for ${operationId} ${status} (${Object.keys(content).join(', ')})`];
  if (media !== 'application/json' && !media.endsWith('+json')) return [];
  const schemaPointer = `${responsePointer}/content/${escape(media)}/schema`;
  let validate = validators.get(schemaPointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `gatehouse#${schemaPointer}` });
    validators.set(schemaPointer, validate);
  }
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${operationId} ${status} body${e.instancePath} ${e.message}`);
}

/** Throws when a response is outside the contract. */
export function assertConformsToContract(operationId: string, response: Response, body: unknown): void {
  const problems = contractProblems(operationId, response.status, response.headers.get('content-type'), body);
  if (problems.length) throw new Error(`response outside the contract:\n  ${problems.join('\n  ')}\nbody: ${JSON.stringify(body)}`);
}
