export interface RouteEntry<T> {
  /** lower-case HTTP method, as in the generated route tables */
  method: string;
  /** Express-style path: `/api/web/namespaces/:namespace/api_credentials` */
  expressPath: string;
  value: T;
}

export interface RouteMatch<T> {
  value: T;
  params: Record<string, string>;
}

interface Templated<T> {
  order: number;
  pattern: RegExp;
  keys: string[];
  value: T;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The operations of the mounted contracts, compiled once: literal paths in a hash map, templated
 * ones as precompiled expressions. It replaces one Express route layer per operation, which the
 * router tried one after another on every request (about 140 of them, each a path-to-regexp match).
 *
 * Matching is Express 5's, so a request reaches the operation it reached before: case-insensitive,
 * an optional trailing slash, `:name` matching one non-empty segment, HEAD served by GET, and,
 * when several operations match, the first registered.
 */
export class RouteTable<T> {
  readonly #literal = new Map<string, { order: number; value: T }>();
  readonly #templated = new Map<string, Templated<T>[]>();

  constructor(entries: Iterable<RouteEntry<T>>) {
    let order = 0;
    for (const { method, expressPath, value } of entries) {
      const key = method.toUpperCase();
      order++;
      if (!expressPath.includes(':')) {
        const literal = `${key} ${normalise(expressPath)}`;
        if (!this.#literal.has(literal)) this.#literal.set(literal, { order, value });
        continue;
      }
      const keys: string[] = [];
      const source = expressPath
        .split('/')
        .map((segment) => (segment.startsWith(':') ? (keys.push(segment.slice(1)), '([^/]+)') : escape(segment)))
        .join('/');
      const list = this.#templated.get(key) ?? [];
      list.push({ order, pattern: new RegExp(`^${source}/?$`, 'i'), keys, value });
      this.#templated.set(key, list);
    }
  }

  /**
   * The operation `method path` reaches (path without the query string), or undefined. Throws a
   * 400 for a parameter that does not decode, unless `decode` is false (parameters stay raw).
   */
  match(method: string, path: string, decode = true): RouteMatch<T> | undefined {
    const key = method === 'HEAD' ? 'GET' : method;
    const literal = this.#literal.get(`${key} ${normalise(path)}`);
    for (const route of this.#templated.get(key) ?? []) {
      if (literal && route.order > literal.order) break;
      const found = route.pattern.exec(path);
      if (found) return { value: route.value, params: decode ? decodeParams(route.keys, found) : rawParams(route.keys, found) };
    }
    return literal && { value: literal.value, params: {} };
  }
}

function normalise(path: string): string {
  const lower = path.toLowerCase();
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
}

function rawParams(keys: readonly string[], found: RegExpExecArray): Record<string, string> {
  return Object.fromEntries(keys.map((name, i) => [name, found[i + 1]!]));
}

/** Percent-decoded as Express's router decodes route parameters: a malformed escape is its 400. */
function decodeParams(keys: readonly string[], found: RegExpExecArray): Record<string, string> {
  const params: Record<string, string> = {};
  keys.forEach((name, i) => {
    const raw = found[i + 1]!;
    try {
      params[name] = raw.includes('%') ? decodeURIComponent(raw) : raw;
    } catch {
      throw Object.assign(new URIError(`Failed to decode param '${raw}'`), { status: 400 });
    }
  });
  return params;
}
