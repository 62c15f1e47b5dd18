/**
 * Where to send a browser after login. A requested `continue` URL is followed only if it fully
 * matches one of the configured patterns; anything else goes to the landing page. Without this,
 * the login page is an open redirect that phishing links can borrow (CWE-601).
 */
export function resolveContinueUrl(requested: string | undefined, allowed: readonly RegExp[], landingPage: string): string {
  const candidate = requested?.trim();
  if (!candidate || candidate.length > 2048) return landingPage;
  // Control characters and backslashes let "/\evil.example" pass as a path in some browsers.
  if (/[\u0000-\u001f\\]/.test(candidate)) return landingPage;
  return allowed.some((pattern) => pattern.test(candidate)) ? candidate : landingPage;
}
