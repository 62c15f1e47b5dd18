import { scimPatch, ScimError, type ScimPatchOperation, type ScimResource } from 'scim-patch';
import { SCIM_TYPES, scimError, scimErrors, type ScimType } from './errors.js';

export interface PatchOperation {
  op: string;
  path?: string | undefined;
  value?: unknown;
}

/** Attributes no PATCH may change (RFC 7643 §3.1, §4.1.2: `readOnly`). */
const READ_ONLY = ['id', 'meta', 'groups'] as const;

/**
 * Applies RFC 7644 §3.5.2 operations to a resource with scim-patch (value paths, filters, arrays),
 * after smoothing what real provisioning clients send: Entra ID writes `Replace` and booleans as
 * the strings "True"/"False". A change to a read-only attribute is refused (`mutability`); Okta's
 * habit of echoing the unchanged `id` in a no-path replace is not a change and passes.
 */
export function applyPatch<T extends { id: string; meta: unknown }>(resource: T, operations: readonly PatchOperation[], booleans: readonly string[]): T {
  const normalized = operations.map((operation) => normalizeOperation(operation, booleans));
  let patched: T;
  try {
    patched = scimPatch(structuredClone(resource) as unknown as ScimResource, normalized, { mutateDocument: false, treatMissingAsAdd: true }) as unknown as T;
  } catch (error) {
    if (error instanceof ScimError) {
      const type = SCIM_TYPES.has(error.scimCode ?? '') ? (error.scimCode as ScimType) : 'invalidValue';
      throw scimError(type, error.message || 'the patch cannot be applied');
    }
    throw scimErrors.invalidPath(`the patch cannot be applied: ${(error as Error).message}`);
  }
  for (const attribute of READ_ONLY) {
    if (JSON.stringify((patched as Record<string, unknown>)[attribute]) !== JSON.stringify((resource as Record<string, unknown>)[attribute])) {
      throw scimErrors.mutability(`${attribute} is read-only`);
    }
  }
  return patched;
}

function normalizeOperation(operation: PatchOperation, booleans: readonly string[]): ScimPatchOperation {
  const op = operation.op.toLowerCase() as 'add' | 'remove' | 'replace';
  let value = operation.value;
  if (operation.path && booleans.includes(operation.path.toLowerCase())) value = asBoolean(value, operation.path);
  else if (!operation.path && value && typeof value === 'object' && !Array.isArray(value)) {
    value = Object.fromEntries(Object.entries(value).map(([key, v]) => [key, booleans.includes(key.toLowerCase()) ? asBoolean(v, key) : v]));
  }
  if (op === 'remove') return { op, path: operation.path ?? '', ...(value === undefined ? {} : { value }) };
  return { op, ...(operation.path ? { path: operation.path } : {}), value };
}

/** A SCIM boolean, also as Entra ID's strings "True" and "False". */
export function asBoolean(value: unknown, attribute: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw scimErrors.invalidValue(`${attribute} must be true or false`);
}
