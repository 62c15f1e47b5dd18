/**
 * Query parameters whose values are secrets or bearer-equivalent: OAuth2 codes and tokens (RFC 6749
 * §4.1.2, §10.3: codes and tokens must not leak into logs a third party may read), PKCE verifiers,
 * client secrets, passwords, one-time and magic codes, CLI exchange codes, ID tokens, API keys,
 * session and polling ids that unlock a sign-in. Matched on the decoded name, by part, so
 * `refresh_token`, `client_secret`, `code_verifier`, `exchange_code` or `X-Api-Key` are all caught,
 * and a parameter added later with such a name is covered without a change here.
 */
const SECRET_NAME = /token|secret|passw|code|key|session|otp|assertion|ticket|signature|credential|^sig$/i;

export const REDACTED = '[REDACTED]';

/**
 * The request target as it may be logged: path and query, with the value of every secret-named
 * query parameter replaced. The rest is kept exactly as sent (no re-encoding), so a line still shows
 * what the client asked for. A name that does not decode is treated as secret.
 */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const pairs = url.slice(start + 1).split('&');
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (isSecretName(name)) pairs[i] = `${name}=${REDACTED}`;
  }
  return `${url.slice(0, start)}?${pairs.join('&')}`;
}

function isSecretName(raw: string): boolean {
  try {
    return SECRET_NAME.test(decodeURIComponent(raw.replace(/\+/g, ' ')));
  } catch {
    return true;
  }
}
