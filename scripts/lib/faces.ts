/**
 * The faces Gatehouse serves: one hand-written contract each (openapi/<name>.yaml).
 * `prefix` namespaces a face's components when all faces are merged into one document.
 */
export interface FaceSpec {
  /** file stem under openapi/ and folder under generated/ */
  readonly name: string;
  /** PascalCase prefix for merged component names and generated type names */
  readonly prefix: string;
}

export const FACES: readonly FaceSpec[] = [
  { name: 'platform', prefix: 'Platform' },
  { name: 'mgmt', prefix: 'Mgmt' },
  { name: 'credentials', prefix: 'Credentials' },
  { name: 'simple-auth', prefix: 'SimpleAuth' },
  { name: 'portal', prefix: 'Portal' },
  { name: 'wellknown', prefix: 'WellKnown' },
  { name: 'ops', prefix: 'Ops' },
];
