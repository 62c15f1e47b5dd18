import { Agent, request as httpRequest } from 'node:http';
import type { FaceName } from '../../generated/faces.gen.js';
import type { OpenApiDocument, OperationObject } from '../../scripts/lib/openapi-types.js';
import type { AnyFaceModule } from '../../server/faces/module.js';

/** What the fuzzer reads of a face: its name and route table. */
type FaceBinding = Pick<AnyFaceModule, 'face' | 'routes'>;
import { bundledContract } from '../../server/contract.js';
import { contractProblems, operationLocation } from './contract.js';
import { operationFor } from './http.js';

/**
 * A bounded, deterministic contract fuzzer: from each mounted operation's contract it derives
 * malformed requests (wrong types, missing and unknown properties, oversized and malformed
 * bodies, odd path and query values, bad credentials, random bytes), sends them over loopback
 * and reports every answer that is a 5xx, outside the face's error shape or the operation's
 * contract, or that leaks internals. The same seed sends the same requests.
 */

// ---------------------------------------------------------------------------------------------
// seeded randomness

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
export class Rng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  bytes(length: number): Buffer {
    return Buffer.from(Array.from({ length }, () => this.int(256)));
  }
  /** a deterministic sample of `count` items, in their original order */
  sample<T>(items: readonly T[], count: number): T[] {
    if (items.length <= count) return [...items];
    const indexes = items.map((_, i) => i);
    for (let i = indexes.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [indexes[i], indexes[j]] = [indexes[j]!, indexes[i]!];
    }
    return indexes
      .slice(0, count)
      .sort((a, b) => a - b)
      .map((i) => items[i]!);
  }
}

// ---------------------------------------------------------------------------------------------
// the contract, as the fuzzer reads it

type Schema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  maxLength?: number;
  minLength?: number;
  minimum?: number;
  example?: unknown;
  examples?: unknown[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
};

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
  example?: unknown;
}

interface SecurityScheme {
  type: string;
  scheme?: string;
  in?: string;
  name?: string;
}

const doc = bundledContract() as unknown as OpenApiDocument;

function resolve<T>(node: unknown): T {
  let current = node as { $ref?: string } | undefined;
  for (let hops = 0; current?.$ref?.startsWith('#/') && hops < 32; hops++) {
    current = current.$ref
      .slice(2)
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((n, key) => (n as Record<string, unknown> | undefined)?.[key], doc) as { $ref?: string } | undefined;
  }
  return current as T;
}

/** The object shape of a schema: allOf merged, the first branch of oneOf/anyOf taken. */
function objectShape(schema: Schema | undefined): Schema {
  const s = resolve<Schema | undefined>(schema) ?? {};
  const parts = [s, ...(s.allOf ?? []).map((p) => objectShape(p)), ...(s.oneOf ?? s.anyOf ?? []).slice(0, 1).map((p) => objectShape(p))];
  const properties: Record<string, Schema> = {};
  const required = new Set<string>();
  for (const part of parts) {
    for (const [name, prop] of Object.entries(part.properties ?? {})) properties[name] = resolve<Schema>(prop);
    for (const name of part.required ?? []) required.add(name);
  }
  return { ...s, properties, required: [...required] };
}

function typeOf(schema: Schema | undefined): string {
  const s = resolve<Schema | undefined>(schema) ?? {};
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (t) return t;
  if (s.properties) return 'object';
  const branch = s.oneOf?.[0] ?? s.anyOf?.[0] ?? s.allOf?.[0];
  return branch ? typeOf(branch) : 'string';
}

/** A plausible value for a schema (its example when it has one); URLs point at the instance itself. */
function sampleValue(schema: Schema | undefined, selfUrl: string, depth = 0): unknown {
  const s = resolve<Schema | undefined>(schema) ?? {};
  const example = s.example ?? s.examples?.[0] ?? s.const ?? s.enum?.[0];
  if (example !== undefined) return loopbackUrls(example, selfUrl);
  switch (typeOf(s)) {
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return depth > 4 ? [] : [sampleValue(s.items, selfUrl, depth + 1)];
    case 'object': {
      if (depth > 4) return {};
      const shape = objectShape(s);
      return Object.fromEntries(Object.entries(shape.properties ?? {}).map(([name, prop]) => [name, sampleValue(prop, selfUrl, depth + 1)]));
    }
    default:
      if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      if (s.format === 'email') return 'fuzz@example.com';
      if (s.format === 'date-time') return '2030-01-01T00:00:00Z';
      if (s.format === 'uri' || s.format === 'url') return selfUrl;
      return 'f'.repeat(Math.max(4, s.minLength ?? 0));
  }
}

/**
 * Examples name real-looking hosts (an issuer, a redirect URI). A request that stores one would
 * make a later operation call out of the machine: every absolute URL becomes this instance.
 */
function loopbackUrls(value: unknown, selfUrl: string): unknown {
  if (typeof value === 'string') return /^https?:\/\//i.test(value) ? selfUrl : value;
  if (Array.isArray(value)) return value.map((v) => loopbackUrls(v, selfUrl));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, loopbackUrls(v, selfUrl)]));
  return value;
}

export interface FuzzOperation {
  face: FaceName;
  operationId: string;
  method: string;
  /** full path template, `{name}` for parameters */
  path: string;
  parameters: Parameter[];
  /** bundle security scheme names, alternatives of all-required sets; [] alternative = anonymous */
  security: string[][];
  contentTypes: string[];
  bodyRequired: boolean;
  /** `x-eov-allow-unknown-query-parameters` */
  allowsUnknownQuery: boolean;
  /** a method its path does not have, if any is left */
  undocumentedMethod: string | undefined;
  bodySchema: Schema | undefined;
  bodyExample: unknown;
}

/** Every operation of the mounted faces, read from the bundled contract. */
export function mountedOperations(faces: readonly FaceBinding[]): FuzzOperation[] {
  return faces.flatMap((binding) =>
    Object.keys(binding.routes).map((operationId) => {
      const { method, path } = operationLocation(operationId);
      const item = doc.paths[path]!;
      const op = item[method as 'get'] as OperationObject;
      const parameters = [...((item.parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])].map((p) => resolve<Parameter>(p));
      const requestBody = resolve<{ required?: boolean; content?: Record<string, { schema?: Schema; example?: unknown; examples?: Record<string, { value?: unknown }> }> } | undefined>(op.requestBody);
      const contentTypes = Object.keys(requestBody?.content ?? {});
      const media = contentTypes.map((ct) => requestBody!.content![ct]!);
      const bodySchema = media[0]?.schema;
      const bodyExample = media.map((m) => m.example ?? Object.values(m.examples ?? {})[0]?.value).find((e) => e !== undefined);
      return {
        face: binding.face,
        operationId,
        method,
        path,
        parameters,
        security: (op.security ?? doc.security ?? []).map((alternative) => Object.keys(alternative)),
        contentTypes,
        bodyRequired: requestBody?.required === true,
        allowsUnknownQuery: op['x-eov-allow-unknown-query-parameters'] === true,
        undocumentedMethod: ['patch', 'put', 'delete', 'post', 'get'].find((m) => !item[m as 'get']),
        bodySchema,
        bodyExample,
      };
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// credentials

export interface CredentialPart {
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
}

/** Working credentials, by bundle scheme name, plus fallbacks by scheme kind for faces mounted later. */
export interface FuzzCredentials {
  byScheme: Record<string, CredentialPart>;
  /** any Gatehouse access token (HTTP bearer schemes not named above) */
  bearer?: string;
  /** an account's `username:password` (HTTP basic schemes not named above) */
  basic?: { username: string; password: string };
}

function scheme(name: string): SecurityScheme | undefined {
  return resolve<SecurityScheme | undefined>(doc.components?.securitySchemes?.[name]);
}

function validPart(name: string, credentials: FuzzCredentials): CredentialPart | undefined {
  const known = credentials.byScheme[name];
  if (known) return known;
  const s = scheme(name);
  if (s?.type === 'http' && s.scheme?.toLowerCase() === 'bearer' && credentials.bearer) return { headers: { authorization: `Bearer ${credentials.bearer}` } };
  if (s?.type === 'http' && s.scheme?.toLowerCase() === 'basic' && credentials.basic) {
    return { headers: { authorization: basicHeader(`${credentials.basic.username}:${credentials.basic.password}`) } };
  }
  return undefined;
}

const basicHeader = (userPass: string | Buffer) => `Basic ${Buffer.from(userPass).toString('base64')}`;

function mergeParts(parts: readonly CredentialPart[]): Required<CredentialPart> {
  return {
    headers: Object.assign({}, ...parts.map((p) => p.headers ?? {})) as Record<string, string>,
    cookies: Object.assign({}, ...parts.map((p) => p.cookies ?? {})) as Record<string, string>,
  };
}

/** The first security alternative we hold every credential of (anonymous when the operation allows it). */
function workingCredentials(op: FuzzOperation, credentials: FuzzCredentials): Required<CredentialPart> {
  if (op.security.length === 0) return mergeParts([]);
  for (const alternative of op.security) {
    const parts = alternative.map((name) => validPart(name, credentials));
    if (parts.every((p) => p !== undefined)) return mergeParts(parts as CredentialPart[]);
  }
  return mergeParts([]);
}

/** Broken variants of one scheme's credential. */
function brokenParts(name: string, rng: Rng): { label: string; part: CredentialPart }[] {
  const s = scheme(name);
  if (!s) return [];
  const long = 'A'.repeat(6000);
  if (s.type === 'http' && s.scheme?.toLowerCase() === 'bearer') {
    return [
      ['garbage', 'Bearer not-a-token'],
      ['empty', 'Bearer '],
      ['alg-none JWT', 'Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhZG1pbiIsImV4cCI6NDEwMjQ0NDgwMH0.'],
      ['truncated JWT', 'Bearer eyJhbGciOiJFZERTQSJ9.eyJzdWIi'],
      ['long', `Bearer ${long}`],
      ['other scheme', `Digest ${rng.bytes(12).toString('hex')}`],
    ].map(([label, value]) => ({ label: label!, part: { headers: { authorization: value! } } }));
  }
  if (s.type === 'http' && s.scheme?.toLowerCase() === 'basic') {
    return [
      ['not base64', 'Basic !!!***'],
      ['no colon', basicHeader('justaname')],
      ['empty pair', basicHeader(':')],
      ['unknown pair', basicHeader('nobody:nothing')],
      ['bad percent-encoding', basicHeader('%zz%:%E0%A4%A')],
      ['binary', basicHeader(Buffer.concat([rng.bytes(8), Buffer.from(':'), rng.bytes(8)]))],
      ['long', basicHeader(`${long}:${long}`)],
    ].map(([label, value]) => ({ label: label!, part: { headers: { authorization: value! } } }));
  }
  if (s.type === 'apiKey' && s.in === 'header' && s.name) {
    const header = s.name.toLowerCase();
    const values = header === 'authorization' ? ['SharedKey wrong-secret-value', 'SharedKey', 'APIToken ghk_nope', `SharedKey ${long}`] : ['garbage', '', '00000000-0000-4000-8000-000000000000', long, '../../etc/passwd'];
    return values.map((value) => ({ label: `${s.name}: ${JSON.stringify(value.slice(0, 24))}`, part: { headers: { [header]: value } } }));
  }
  if (s.type === 'apiKey' && s.in === 'cookie' && s.name) {
    return [
      ['garbage', 'garbage'],
      ['bad percent-encoding', '%zz%'],
      ['long', long.slice(0, 3000)],
      ['JSON cookie (j:)', 'j:{"a":1}'],
    ].map(([label, value]) => ({ label: `${s.name} cookie ${label}`, part: { cookies: { [s.name!]: value! } } }));
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// the requests

export interface FuzzRequest {
  operationId: string;
  face: FaceName;
  /** what was broken, for the report */
  kind: string;
  method: string;
  /** raw path and query, sent as is */
  target: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** always sent, even when the operation's share of the budget is used up */
  essential?: boolean;
  /** breaks the operation's request contract: any answer below 400 accepted it */
  breaksContract?: boolean;
}

interface Flags {
  essential?: boolean;
  breaksContract?: boolean;
}

interface Draft {
  pathValues: Record<string, string>;
  query: [string, string][];
  headers: Record<string, string>;
  cookies: Record<string, string>;
  contentType: string | undefined;
  body: Buffer | undefined;
  method?: string;
}

/** What the prototype-pollution requests try to plant on every object of the server. */
export const POLLUTION = { fuzzPolluted: true, isAdmin: true };

const WRONG_TYPES: Record<string, unknown> = { string: 'x', integer: 7, number: 1.5, boolean: true, null: null, array: [], object: {} };
const ODD_PATH_VALUES = ['..', '../', '..%2F..%2F..%2Fetc%2Fpasswd', '%00', 'a%00b', '%ZZ', '%', '%2e%2e', 'a'.repeat(5000), '%E2%80%AE%F0%9F%92%A9', '%C0%AF', "'%20OR%201=1--", '%20', ';', '*'];
const MALFORMED_JSON = ['{', '{"a":', '[1,2', '{"a":1}}', "{'a':1}", 'nul', '{"a":1,}', '\u0000', '"\\u0000', ''];

function encodeBody(contentType: string, value: unknown): Buffer {
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams();
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    }
    return Buffer.from(form.toString());
  }
  return Buffer.from(JSON.stringify(value));
}

function finish(op: FuzzOperation, draft: Draft, kind: string, flags: Flags): FuzzRequest {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => draft.pathValues[name] ?? '');
  const query = draft.query.map(([k, v]) => `${k}=${v}`).join('&');
  const headers: Record<string, string> = { ...draft.headers };
  const cookies = Object.entries(draft.cookies).map(([k, v]) => `${k}=${v}`);
  if (cookies.length) headers.cookie = cookies.join('; ');
  if (draft.body !== undefined && draft.contentType !== undefined) headers['content-type'] = draft.contentType;
  return { operationId: op.operationId, face: op.face, kind, method: (draft.method ?? op.method).toUpperCase(), target: query ? `${path}?${query}` : path, headers, body: draft.body, ...flags };
}

const isJsonType = (type: string | null | undefined) => /^application\/(?:[\w.+-]+\+)?json\b/.test(type ?? '');
const enc = (v: unknown) => encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v));

/** Every malformed request the fuzzer derives from one operation's contract. */
export function requestsFor(op: FuzzOperation, credentials: FuzzCredentials, rng: Rng, selfUrl: string): FuzzRequest[] {
  const auth = workingCredentials(op, credentials);
  const params = (where: Parameter['in']) => op.parameters.filter((p) => p.in === where);
  const baseValue = (p: Parameter) => loopbackUrls(p.example ?? sampleValue(p.schema, selfUrl), selfUrl);
  const contentType = op.contentTypes[0];
  const shape = objectShape(op.bodySchema);
  const baseBody = (op.bodyExample !== undefined ? loopbackUrls(op.bodyExample, selfUrl) : sampleValue(op.bodySchema, selfUrl)) as Record<string, unknown>;
  const base = (): Draft => ({
    pathValues: Object.fromEntries(params('path').map((p) => [p.name, enc(baseValue(p))])),
    query: params('query')
      .filter((p) => p.required)
      .map((p) => [p.name, enc(baseValue(p))]),
    headers: { accept: 'application/json', ...auth.headers },
    cookies: { ...auth.cookies },
    contentType,
    body: contentType ? encodeBody(contentType, baseBody) : undefined,
  });
  const out: FuzzRequest[] = [];
  const add = (kind: string, change: (d: Draft) => void, flags: Flags = {}) => {
    const draft = base();
    change(draft);
    out.push(finish(op, draft, kind, flags));
  };
  const essential = { essential: true };
  const refused = { breaksContract: true };

  add('contract example', () => {}, essential);

  // credentials: none at all, then each scheme of each alternative broken while the rest hold
  const unauthenticated = { breaksContract: op.security.length > 0 && op.security.every((alternative) => alternative.length > 0) };
  if (op.security.length) add('no credentials', (d) => ((d.headers = { accept: 'application/json' }), (d.cookies = {})), { ...essential, ...unauthenticated });
  for (const alternative of op.security) {
    for (const name of alternative) {
      for (const { label, part } of brokenParts(name, rng)) {
        add(`credentials ${name}: ${label}`, (d) => {
          const others = mergeParts(alternative.filter((n) => n !== name).map((n) => validPart(n, credentials) ?? {}));
          d.headers = { accept: 'application/json', ...others.headers, ...part.headers };
          d.cookies = { ...others.cookies, ...part.cookies };
        }, unauthenticated);
      }
    }
  }

  // query: unknown names, odd values, missing required, wrong types
  const unknownQuery = { breaksContract: !op.allowsUnknownQuery };
  add('unknown query parameter', (d) => d.query.push(['fuzz_unknown', '1']), { ...essential, ...unknownQuery });
  add('unknown query parameters, array and object syntax', (d) => d.query.push(['a[]', '1'], ['a[]', '2'], ['o[x]', '%ZZ']), unknownQuery);
  for (const p of params('query')) {
    if (p.required) add(`query ${p.name}: missing`, (d) => (d.query = d.query.filter(([k]) => k !== p.name)), refused);
    const values = ['', '%ZZ', '%00', 'a'.repeat(5000), '..%2F..%2F', typeOf(p.schema) === 'string' ? '123' : 'not-a-number', '1e309', '-1', '99999999999999999999'];
    for (const value of values) add(`query ${p.name}=${value.slice(0, 20)}`, (d) => (d.query = [...d.query.filter(([k]) => k !== p.name), [p.name, value]]));
    add(`query ${p.name} repeated`, (d) => d.query.push([p.name, 'a'], [p.name, 'b']));
  }
  for (const p of params('header')) {
    for (const value of ['', 'x'.repeat(6000), '../../../etc/passwd', '\xff\xfe', 'javascript:alert(1)']) add(`header ${p.name}=${value.slice(0, 20)}`, (d) => (d.headers[p.name.toLowerCase()] = value));
  }

  // path: odd characters, traversal, NUL, very long
  for (const p of params('path')) {
    for (const value of ODD_PATH_VALUES) add(`path ${p.name}=${value.slice(0, 24)}`, (d) => (d.pathValues[p.name] = value), { essential: value === '%00' || value === '../' });
  }

  // a method the path does not have
  if (op.undocumentedMethod) add(`undocumented method ${op.undocumentedMethod.toUpperCase()}`, (d) => (d.method = op.undocumentedMethod), refused);

  if (!contentType) {
    // operations without a body, sent one anyway
    add('unexpected JSON body', (d) => ((d.contentType = 'application/json'), (d.body = Buffer.from('{"fuzz":1}'))));
    add('unexpected malformed body', (d) => ((d.contentType = 'application/json'), (d.body = Buffer.from('{"fuzz":'))));
  } else {
    const isJson = contentType.includes('json');
    const bodyOf = (value: unknown) => encodeBody(contentType, value);
    const plainBody = !resolve<Schema | undefined>(op.bodySchema)?.oneOf && !resolve<Schema | undefined>(op.bodySchema)?.anyOf;
    const bodyNeeded = { breaksContract: op.bodyRequired };
    const hasRequired = { breaksContract: (shape.required ?? []).length > 0 };
    // each property: every wrong type, oversized, removed when required
    for (const [name, prop] of Object.entries(shape.properties ?? {})) {
      const type = typeOf(prop);
      const typed = { breaksContract: plainBody && prop.type !== undefined && !prop.oneOf && !prop.anyOf };
      if (isJson) {
        for (const [wrong, value] of Object.entries(WRONG_TYPES)) {
          if (wrong === type || (wrong === 'integer' && type === 'number') || (wrong === 'null' && Array.isArray(prop.type) && prop.type.includes('null'))) continue;
          add(`body ${name}: ${wrong} instead of ${type}`, (d) => (d.body = bodyOf({ ...baseBody, [name]: value })), typed);
        }
      }
      if (type === 'integer' || type === 'number') {
        for (const value of [-1, 0.5, 2 ** 53 + 2, 1e20, -1e20]) {
          const outside = type === 'integer' && (value !== -1 || (prop.minimum ?? -1) >= 0);
          add(`body ${name}: ${value}`, (d) => (d.body = bodyOf({ ...baseBody, [name]: value })), { breaksContract: typed.breaksContract && outside });
        }
      }
      if (type === 'string') {
        const length = prop.maxLength !== undefined ? prop.maxLength + 1 : 10_000;
        add(`body ${name}: ${length} characters`, (d) => (d.body = bodyOf({ ...baseBody, [name]: 'é'.repeat(length) })), { breaksContract: plainBody && prop.maxLength !== undefined });
        add(`body ${name}: control characters`, (d) => (d.body = bodyOf({ ...baseBody, [name]: '\u0000\u202e../\r\n%00' })));
      }
    }
    for (const name of shape.required ?? []) {
      add(`body ${name}: missing`, (d) => {
        const { [name]: _dropped, ...rest } = baseBody;
        d.body = bodyOf(rest);
      }, { breaksContract: plainBody });
    }
    add('body: empty object', (d) => (d.body = bodyOf({})), { breaksContract: plainBody && hasRequired.breaksContract });
    add('body: unknown property', (d) => (d.body = bodyOf({ ...baseBody, fuzz_unknown: 'x' })), essential);
    add('body: 100 kB', (d) => (d.body = bodyOf({ ...baseBody, [Object.keys(shape.properties ?? {})[0] ?? 'fuzz']: 'x'.repeat(100_000) })), essential);
    add('body: empty', (d) => (d.body = Buffer.alloc(0)), bodyNeeded);
    add('body: no content type', (d) => (d.contentType = undefined), bodyNeeded);
    for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/octet-stream']) {
      add(`content type ${type}`, (d) => (d.contentType = type), { essential: type === 'text/plain', ...bodyNeeded });
    }
    add('content encoding gzip, not gzipped', (d) => (d.headers['content-encoding'] = 'gzip'), refused);
    add('content encoding unknown', (d) => (d.headers['content-encoding'] = 'x-fuzz'), refused);
    if (isJson) {
      const objectBody = { breaksContract: typeOf(op.bodySchema) === 'object' };
      for (const value of [[], 'text', 42, null, true]) add(`body: top-level ${JSON.stringify(value)}`, (d) => (d.body = bodyOf(value)), objectBody);
      for (const text of MALFORMED_JSON) add(`malformed JSON ${JSON.stringify(text)}`, (d) => (d.body = Buffer.from(text)), { essential: text === '{', breaksContract: text !== '' || op.bodyRequired });
      add('body: __proto__ key', (d) => (d.body = Buffer.from(JSON.stringify({ fuzzProto: 1, ...baseBody }).replace('"fuzzProto":1', `"__proto__":${JSON.stringify(POLLUTION)}`))));
      add('body: constructor.prototype key', (d) => (d.body = bodyOf({ ...baseBody, constructor: { prototype: POLLUTION } })));
      add('body: lone surrogate', (d) => (d.body = Buffer.from(JSON.stringify({ ...baseBody, fuzz: 'SURROGATE' }).replace('"SURROGATE"', '"\\ud800"'))));
      add('body: deep nesting', (d) => (d.body = Buffer.from(`{"fuzz":${'['.repeat(3000)}${']'.repeat(3000)}}`)));
      add('body: duplicate keys', (d) => (d.body = Buffer.from(JSON.stringify({ ...baseBody, fuzz: 1 }).replace(/}$/, ',"fuzz":{"a":1}}'))));
    }
    if (op.contentTypes.includes('application/x-www-form-urlencoded')) {
      const form = (text: string) => (d: Draft) => ((d.contentType = 'application/x-www-form-urlencoded'), (d.body = Buffer.from(text)));
      const first = (shape.required ?? [])[0] ?? 'fuzz';
      add('form: repeated key', form(`${encodeBody('application/x-www-form-urlencoded', baseBody).toString()}&${first}=a&${first}=b`), hasRequired);
      add('form: bad percent-encoding', form(`${first}=%ZZ%&%E0%A4%A=1`));
      add('form: bracket keys', form(`${first}[a]=1&${first}[]=2`), hasRequired);
      add('form: JSON text', form(JSON.stringify(baseBody)), hasRequired);
    }
  }

  // random bytes, in the body when the operation takes one, else in the path and query
  for (let i = 0; i < 3; i++) {
    const bytes = rng.bytes(1 + rng.int(512));
    if (contentType) add(`random bytes #${i} (${bytes.length})`, (d) => (d.body = bytes), { ...essential, breaksContract: isJsonType(contentType) });
    const first = params('path')[0];
    const percent = [...rng.bytes(1 + rng.int(64))].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    if (first) add(`random path bytes #${i}`, (d) => (d.pathValues[first.name] = percent), essential);
    else add(`random query bytes #${i}`, (d) => d.query.push([percent, percent]), { essential: !contentType });
  }
  return out;
}

/** The deepest folder all of a face's operations share (`/api/v1`, `/auth`, `/.well-known`). */
function faceRoot(ops: readonly FuzzOperation[]): string {
  const split = ops.map((o) => o.path.split('/'));
  const common: string[] = [];
  for (let i = 0; split.every((segments) => i < segments.length - 1 && segments[i] === split[0]![i] && !segments[i]!.includes('{')); i++) common.push(split[0]![i]!);
  return common.join('/');
}

/** Paths under each mounted face that no operation has: 404 (or 405) in the face's shape. */
export function unknownRouteRequests(ops: readonly FuzzOperation[]): FuzzRequest[] {
  const faces = [...new Set(ops.map((o) => o.face))];
  return faces.flatMap((face) => {
    const root = faceRoot(ops.filter((o) => o.face === face));
    // A face with no prefix of its own (ops: /livez, /readyz) owns no unknown paths: those at the
    // root belong to the platform face, whose base path is `/`, and are fuzzed as its own.
    if (root === '') return [];
    const request = (kind: string, method: string, target: string, body?: string): FuzzRequest => ({
      operationId: `(${face} unknown route)`,
      face,
      kind,
      method,
      target,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : Buffer.from(body),
      essential: true,
      breaksContract: true,
    });
    return [
      request('unknown path', 'GET', `${root}/fuzz-unknown`),
      request('unknown path, with a body', 'POST', `${root}/fuzz-unknown?x=1`, '{"fuzz":'),
      request('unknown path, bad percent-encoding', 'GET', `${root}/%ZZ/%`),
      request('unknown path, traversal', 'GET', `${root}/..%2F..%2Fetc%2Fpasswd`),
    ];
  });
}

// ---------------------------------------------------------------------------------------------
// sending

export interface FuzzResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/** Sends the request byte for byte (no URL normalisation, unlike fetch). */
export function send(base: URL, req: FuzzRequest, timeoutMs = 10_000): Promise<FuzzResponse> {
  return new Promise((resolvePromise, reject) => {
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(req.body.length);
    const outgoing = httpRequest({ agent, host: base.hostname, port: base.port, method: req.method, path: req.target, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

export function closeConnections(): void {
  agent.destroy();
}

// ---------------------------------------------------------------------------------------------
// judging

/** Stack frames, source paths, SQL and driver text: what an answer must never carry. */
export const LEAK = /at .*\(|\.ts:\d+|node_modules|SELECT |INSERT |UPDATE \w+ SET|DELETE FROM|sqlite|SQLITE_|mysql|\bER_[A-Z]+_[A-Z_]+|knex|ECONN|TypeError|ReferenceError|SyntaxError|undefined is not|Cannot read propert/;

/**
 * Tokens, JWTs, codes and secrets are long random runs that now and then spell `knex` or `mysql`:
 * masked before the leak check, so a check never fails by chance. Stacks, SQL and paths keep their
 * spaces, dots and slashes and stay visible.
 */
const TOKEN_RUN = /[A-Za-z0-9_-]{24,}/g;
const leakIn = (text: string) => LEAK.exec(text.replace(TOKEN_RUN, '…'));

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const onlyKeys = (v: Record<string, unknown>, allowed: readonly string[]) => Object.keys(v).every((k) => allowed.includes(k));
const oauth2Shape = (b: Record<string, unknown>) => typeof b.error === 'string' && (b.error_description === undefined || typeof b.error_description === 'string') && onlyKeys(b, ['error', 'error_description', 'error_uri']);

/** Each face's documented error body (DESIGN.md, "Each face keeps its own wire shapes"). */
export const ERROR_SHAPES: Record<FaceName, (body: unknown, status: number) => boolean> = {
  platform: (b, status) => isObject(b) && b.code === status && typeof b.message === 'string' && onlyKeys(b, ['code', 'message']),
  mgmt: (b) => isObject(b) && typeof b.message === 'string',
  credentials: (b) => isObject(b) && Number.isInteger(b.code) && typeof b.message === 'string' && Array.isArray(b.details),
  'simple-auth': (b) => isObject(b) && ((b.error === true && typeof b.message === 'string' && typeof b.reason === 'string') || oauth2Shape(b)),
  portal: (b) => isObject(b) && (typeof b.detail === 'string' || (Array.isArray(b.detail) && b.detail.every((d) => isObject(d) && Array.isArray(d.loc) && typeof d.msg === 'string' && typeof d.type === 'string'))),
  wellknown: (b) => isObject(b) && oauth2Shape(b),
  admin: (b, status) => isObject(b) && typeof b.type === 'string' && typeof b.title === 'string' && b.status === status && typeof b.detail === 'string' && onlyKeys(b, ['type', 'title', 'status', 'detail', 'errors']),
  scim: (b, status) =>
    isObject(b) && Array.isArray(b.schemas) && b.schemas[0] === 'urn:ietf:params:scim:api:messages:2.0:Error' && b.status === String(status) && onlyKeys(b, ['schemas', 'status', 'scimType', 'detail']),
  ops: (b) => isObject(b) && typeof b.status === 'string' && (b.reason === undefined || typeof b.reason === 'string') && onlyKeys(b, ['status', 'reason']),
};

/** What is wrong with one answer (empty: nothing). */
export function judge(req: FuzzRequest, res: FuzzResponse): string[] {
  const problems: string[] = [];
  if (res.status >= 500 && res.status !== 503) problems.push(`status ${res.status}`);
  const text = res.body.toString('utf8');
  const leak = leakIn(text);
  if (leak) problems.push(`body leaks ${JSON.stringify(leak[0])}`);
  for (const [name, value] of Object.entries(res.headers)) {
    const headerLeak = leakIn([value].flat().join('\n'));
    if (headerLeak) problems.push(`header ${name} leaks ${JSON.stringify(headerLeak[0])}`);
  }
  const contentType = [res.headers['content-type']].flat()[0] ?? null;
  const isJson = isJsonType(contentType);
  let body: unknown;
  if (isJson && text) {
    try {
      body = JSON.parse(text);
    } catch {
      problems.push('body is not JSON although labelled so');
    }
  }
  // which operation answered: the one targeted, unless the odd path no longer reaches it
  const answered = operationFor(req.method, req.target.split('?')[0]!);
  if (req.breaksContract && res.status < 400) problems.push(`accepted (${res.status}) a request that breaks the contract`);
  if (res.status >= 400) {
    if (!isJson) problems.push(`error answered as ${contentType ?? 'no content type'}`);
    else if (!ERROR_SHAPES[req.face](body, res.status)) problems.push(`not the ${req.face} error shape`);
  }
  if (answered && answered === req.operationId) problems.push(...contractProblems(answered, res.status, contentType, isJson ? body : text));
  return problems;
}

// ---------------------------------------------------------------------------------------------
// running

export interface FuzzFinding {
  request: FuzzRequest;
  status: number;
  problems: string[];
  body: string;
}

export interface FuzzReport {
  seed: number;
  operations: number;
  faces: FaceName[];
  sent: number;
  byStatus: Record<number, number>;
  /** statuses each operation answered, to see how deep the fuzz got (not only 401s) */
  byOperation: Record<string, Record<number, number>>;
  findings: FuzzFinding[];
  milliseconds: number;
}

export interface FuzzOptions {
  url: string;
  faces: readonly FaceBinding[];
  /**
   * working credentials, asked for again before each operation: an operation that signs out
   * (revokes its bearer token) must not leave the operations after it unauthenticated
   */
  credentials: () => Promise<FuzzCredentials>;
  seed: number;
  /** most requests in total, shared evenly by the operations */
  maxRequests: number;
}

/**
 * One operation's share of the run: its essential requests, then a seeded sample of the rest;
 * those that break the contract (refused before any handler runs) first, the contract example last,
 * so a request that succeeds and changes state (a sign-out) comes after the others.
 */
function share(all: readonly FuzzRequest[], count: number, rng: Rng): FuzzRequest[] {
  const essential = all.filter((r) => r.essential);
  const chosen = new Set([...essential, ...rng.sample(all.filter((r) => !r.essential), Math.max(0, count - essential.length))].slice(0, count));
  const rank = (r: FuzzRequest) => (r.kind === 'contract example' ? 2 : r.breaksContract ? 0 : 1);
  return all.filter((r) => chosen.has(r)).sort((a, b) => rank(a) - rank(b));
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const base = new URL(options.url);
  const rng = new Rng(options.seed);
  const operations = mountedOperations(options.faces);
  const routes = unknownRouteRequests(operations);
  const perOperation = Math.floor((options.maxRequests - routes.length) / Math.max(1, operations.length));
  const findings: FuzzFinding[] = [];
  const byStatus: Record<number, number> = {};
  const byOperation: Record<string, Record<number, number>> = {};
  let sent = 0;
  const batches: (() => Promise<FuzzRequest[]>)[] = [
    ...operations.map((op) => async () => share(requestsFor(op, await options.credentials(), rng, options.url), perOperation, rng)),
    async () => routes,
  ];
  for (const batch of batches) {
    for (const req of await batch()) {
      sent++;
      let res: FuzzResponse;
      try {
        res = await send(base, req);
      } catch (error) {
        findings.push({ request: req, status: 0, problems: [`no answer: ${(error as Error).message}`], body: '' });
        continue;
      }
      byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
      const counts = (byOperation[req.operationId] ??= {});
      counts[res.status] = (counts[res.status] ?? 0) + 1;
      const problems = judge(req, res);
      if (problems.length) findings.push({ request: req, status: res.status, problems, body: res.body.toString('utf8').slice(0, 300) });
    }
  }
  return { seed: options.seed, operations: operations.length, faces: [...new Set(operations.map((o) => o.face))], sent, byStatus, byOperation, findings, milliseconds: Date.now() - started };
}

/** One line per finding, enough to replay it with curl. */
export function describeFinding(f: FuzzFinding): string {
  const r = f.request;
  const body = r.body === undefined ? '' : ` body=${JSON.stringify(r.body.toString('latin1').slice(0, 120))}`;
  return `${r.operationId} [${r.kind}] ${r.method} ${r.target.slice(0, 160)} headers=${JSON.stringify(r.headers).slice(0, 200)}${body}\n    → ${f.status}: ${f.problems.join('; ')}\n    ${f.body}`;
}

/** Findings grouped by operation and problem, most frequent first, one example each. */
export function summarizeFindings(findings: readonly FuzzFinding[]): string[] {
  const groups = new Map<string, FuzzFinding[]>();
  for (const f of findings) {
    const key = `${f.request.operationId}: ${f.problems.map((p) => p.replace(/\d+/g, 'N')).join('; ')}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.entries()]
    .sort((a, b) => b[1].length - a[1].length)
    .map(([key, list]) => `${list.length}× ${key}\n    cases: ${[...new Set(list.map((f) => f.request.kind))].slice(0, 10).join(' | ')}\n    e.g. ${describeFinding(list[0]!)}`);
}

/** A finding whose fix lies outside the server's edge (a contract, a handler): reported, not failed on. */
export interface KnownFinding {
  operationIds: readonly string[];
  /** every problem of the finding matches */
  problem: RegExp;
  /** what is wrong and where the fix belongs */
  bug: string;
}

/** Splits findings into known (by entry) and new ones, and names the known entries nothing matched any more. */
export function triage(findings: readonly FuzzFinding[], known: readonly KnownFinding[]): { fresh: FuzzFinding[]; matched: Map<KnownFinding, number>; stale: KnownFinding[] } {
  const matched = new Map<KnownFinding, number>();
  const fresh = findings.filter((f) => {
    const entry = known.find((k) => k.operationIds.includes(f.request.operationId) && f.problems.every((p) => k.problem.test(p)));
    if (entry) matched.set(entry, (matched.get(entry) ?? 0) + 1);
    return !entry;
  });
  return { fresh, matched, stale: known.filter((k) => !matched.has(k)) };
}
