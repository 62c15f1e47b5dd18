import { faces as generatedFaces, type FaceName } from '../../generated/faces.gen.js';

const BY_LONGEST_BASE = [...generatedFaces].sort((a, b) => b.basePath.length - a.basePath.length);

/**
 * The face a request path belongs to (longest base path that prefixes it), so an unknown route or
 * a validation failure is answered in that face's error shape. Paths under no base path belong to
 * the platform face, whose base path is `/`.
 */
export function faceOfPath(path: string): FaceName {
  if (path.startsWith('/.well-known/')) return 'wellknown';
  if (path === '/livez' || path === '/readyz') return 'ops';
  const face = BY_LONGEST_BASE.find((f) => f.basePath !== '' && (path === f.basePath || path.startsWith(`${f.basePath}/`)));
  return face?.name ?? 'platform';
}
