/**
 * The base URL of one face of the Gatehouse at `origin`: the origin (which may carry a path
 * prefix, e.g. behind a reverse proxy at https://example.com/id) followed by the face's base path.
 * Faces served at the root have the base path `/`; it is dropped, because the generated client
 * joins base URL and operation path as text and would otherwise ask for `//auth/...` (in a
 * browser that is a protocol-relative URL to a host named "auth").
 */
export function faceBaseUrl(origin: string | URL, basePath: string): string {
  return `${String(origin).replace(/\/+$/, '')}${basePath.replace(/\/+$/, '')}`;
}
