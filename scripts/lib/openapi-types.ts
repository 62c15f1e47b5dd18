/** The small part of the OpenAPI 3.1 object model the generator reads. */
export type SecurityRequirement = Record<string, string[]>;

export interface OperationObject {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: SecurityRequirement[];
  requestBody?: { content?: Record<string, unknown> };
  responses?: Record<string, unknown>;
  [key: string]: unknown;
}

export type PathItem = Partial<Record<HttpMethod, OperationObject>> & Record<string, unknown>;

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers?: { url: string }[];
  tags?: { name: string; description?: string }[];
  security?: SecurityRequirement[];
  paths: Record<string, PathItem>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface OperationEntry {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** path as written in the face's document, relative to its base path */
  readonly specPath: string;
  /** full path the service answers on */
  readonly path: string;
  readonly operation: OperationObject;
}

/** Base path of a face: the path part of its first server URL, without a trailing slash. */
export function basePathOf(doc: OpenApiDocument): string {
  const url = doc.servers?.[0]?.url ?? '/';
  const path = url.startsWith('/') ? url : new URL(url).pathname;
  return path.replace(/\/+$/, '');
}

export function joinPath(base: string, path: string): string {
  return `${base}${path}` || '/';
}

/** Every operation of a document, in document order. */
export function operationsOf(doc: OpenApiDocument): OperationEntry[] {
  const base = basePathOf(doc);
  const entries: OperationEntry[] = [];
  for (const [specPath, item] of Object.entries(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      if (!operation.operationId) throw new Error(`${method.toUpperCase()} ${specPath} has no operationId`);
      entries.push({ operationId: operation.operationId, method, specPath, path: joinPath(base, specPath), operation });
    }
  }
  return entries;
}
