/**
 * A fetch for the set-up calls that keeps cookies and echoes the `_csrf` cookie in X-CSRF-Token
 * (simple-auth's double-submit defence), as simple-auth's own UI does.
 */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const csrf = this.cookies.get('_csrf');
    if (csrf && request.method !== 'GET') headers.set('x-csrf-token', csrf);
    const response = await fetch(new Request(request, { headers, redirect: 'manual' }));
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return response;
  };
}

/** The body of a hey-api SDK result, or an error naming the call and what it answered. */
export function expectOk<T>(what: string, result: { data?: T; error?: unknown; response?: Response }): T {
  const status = result.response?.status ?? 0;
  if (status < 200 || status > 299 || result.data === undefined) {
    throw new Error(`set-up failed: ${what} answered ${status || 'nothing'} ${JSON.stringify(result.error ?? null)}`);
  }
  return result.data;
}

export const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
