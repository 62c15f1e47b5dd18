/**
 * Where to send a browser after login. A requested `continue` URL is followed only if it fully
 * matches one of the configured patterns and names its destination unambiguously; anything else
 * goes to the landing page. Without this, the login page is an open redirect that phishing links
 * can borrow (CWE-601).
 */
export function resolveContinueUrl(requested: string | undefined, allowed: readonly RegExp[], landingPage: string): string {
  const candidate = requested?.trim();
  if (!candidate || candidate.length > 2048) return landingPage;
  if (!unambiguous(candidate)) return landingPage;
  return allowed.some((pattern) => pattern.test(candidate)) ? candidate : landingPage;
}

/** A placeholder origin: a relative target that resolves away from it names another host. */
const HERE = 'http://gatehouse.invalid';

/**
 * Whether every browser reads the target as the same destination the allow-list saw. A loose
 * pattern (`/.*`, `https://app\.example\.com.*`) must not let these through (OWASP Unvalidated
 * Redirects cheat sheet; WHATWG URL parsing):
 * - control characters and backslashes: browsers drop tabs and newlines and read `\` as `/`, so
 *   `/\evil.example` and `/\t/evil.example` become `//evil.example`;
 * - scheme-relative `//evil.example/…`: a path to the pattern, another host to the browser;
 * - a scheme without `//` (`https:evil.example`, `javascript:…`): `http:evil.example` on an https
 *   page is `http://evil.example/`; only http(s) URLs with an authority are followed;
 * - percent-encoded slashes or backslashes at the start (`/%2F%2Fevil.example`), which some
 *   servers and frameworks decode before redirecting again.
 */
function unambiguous(candidate: string): boolean {
  if (/[\u0000-\u001f\u007f\\]/.test(candidate)) return false;
  if (/^\/(?:%2f|%5c)/i.test(candidate)) return false;
  const scheme = /^([a-z][a-z\d+.-]*):/i.exec(candidate);
  if (scheme) return /^https?:\/\/[^/]/i.test(candidate);
  if (!candidate.startsWith('/') || candidate.startsWith('//')) return false;
  return new URL(candidate, HERE).origin === HERE;
}
