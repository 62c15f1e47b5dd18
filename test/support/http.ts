import { HTTP_METHODS } from '../../scripts/lib/openapi-types.js';
import { assertConformsToContract, bundledPaths } from './contract.js';

/**
 * A fetch that behaves like a browser tab for the SDK: it keeps cookies, echoes the `_csrf`
 * cookie in X-CSRF-Token when asked, does not follow redirects (tests look at them), and checks
 * every response against the contract before the test sees it.
 */
export class BrowserLikeClient {
  readonly cookies = new Map<string, string>();
  /** send X-CSRF-Token on state-changing calls, as simple-auth's UI does */
  csrf = true;
  /** every response seen, with the operation it answered */
  readonly seen: { operationId: string; status: number }[] = [];

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const csrf = this.cookies.get('_csrf');
    if (this.csrf && csrf && !['GET', 'HEAD'].includes(request.method) && !headers.has('x-csrf-token')) headers.set('x-csrf-token', csrf);
    const response = await fetch(new Request(request, { headers, redirect: 'manual' }));
    this.remember(response);
    await this.check(request.method, new URL(request.url).pathname, response);
    return response;
  };

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private async check(method: string, path: string, response: Response): Promise<void> {
    const operationId = operationFor(method, path);
    if (!operationId) return;
    this.seen.push({ operationId, status: response.status });
    const type = response.headers.get('content-type') ?? '';
    const body = type.includes('json') ? await response.clone().json() : undefined;
    assertConformsToContract(operationId, response, body);
  }
}

const templates = bundledPaths().flatMap(({ path, methods }) => {
  const segments = path.split('/').map((s) => (/^\{.+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&')));
  const pattern = new RegExp(`^${segments.join('/')}$`);
  return Object.entries(methods).map(([method, operationId]) => ({ pattern, method, operationId, literal: !path.includes('{') }));
});

/** The operation a request answered (literal paths win over templated ones). */
export function operationFor(method: string, path: string): string | undefined {
  const m = method.toLowerCase();
  if (!(HTTP_METHODS as readonly string[]).includes(m)) return undefined;
  const matches = templates.filter((t) => t.method === m && t.pattern.test(path));
  return (matches.find((t) => t.literal) ?? matches[0])?.operationId;
}
