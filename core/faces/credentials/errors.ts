import { GatehouseError } from '../../errors.js';

/**
 * The credentials face's refusals. `reason` is the stable upper-case code the face sends in its
 * google.rpc.ErrorInfo; the message names the object, as F5's gateway does.
 */
export const credentialErrors = {
  namespaceNotFound: (namespace: string) => new GatehouseError('not_found', { reason: 'NAMESPACE_NOT_FOUND', message: `namespace "${namespace}" not found` }),
  credentialNotFound: (kind: string, namespace: string, name: string) =>
    new GatehouseError('not_found', { reason: 'CREDENTIAL_NOT_FOUND', message: `${kind} "${name}" not found in namespace "${namespace}"` }),
  scimTokenNotFound: () => new GatehouseError('not_found', { reason: 'SCIM_TOKEN_NOT_FOUND', message: 'no SCIM token exists' }),
  exists: (namespace: string, name: string) => new GatehouseError('conflict', { reason: 'CREDENTIAL_EXISTS', message: `a credential named "${name}" already exists in namespace "${namespace}"` }),
  namespaceMismatch: (field: string, expected: string) =>
    new GatehouseError('bad_request', { reason: 'NAMESPACE_MISMATCH', message: `${field} must equal the path's namespace "${expected}"`, fields: [{ path: field, message: `must be "${expected}"` }] }),
  invalid: (reason: string, field: string, message: string) => new GatehouseError('bad_request', { reason, message, fields: [{ path: field, message }] }),
  adminRequired: (what: string) => new GatehouseError('forbidden', { reason: 'ADMIN_REQUIRED', message: `only administrators may ${what}` }),
  serviceAccountForbidden: () => new GatehouseError('forbidden', { reason: 'SERVICE_ACCOUNT_FORBIDDEN', message: 'service accounts may not create, activate or renew credentials' }),
};
