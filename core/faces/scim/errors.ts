import { GatehouseError, type ErrorCode } from '../../errors.js';

/** RFC 7644 §3.12 Table 9: what kind of 400 (or 409) a SCIM client is told it sent. */
export type ScimType = 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'invalidValue' | 'invalidVers' | 'sensitive';

export const SCIM_TYPES: ReadonlySet<string> = new Set<ScimType>(['invalidFilter', 'tooMany', 'uniqueness', 'mutability', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'invalidVers', 'sensitive']);

/** A request the SCIM face refuses, with its scimType carried as the error's reason. */
export function scimError(scimType: ScimType, message: string, code: ErrorCode = 'bad_request'): GatehouseError {
  return new GatehouseError(code, { message, reason: scimType });
}

export const scimErrors = {
  invalidFilter: (detail: string) => scimError('invalidFilter', detail),
  invalidValue: (detail: string) => scimError('invalidValue', detail),
  invalidPath: (detail: string) => scimError('invalidPath', detail),
  mutability: (detail: string) => scimError('mutability', detail),
  noTarget: (detail: string) => scimError('noTarget', detail),
  notFound: (resource: 'User' | 'Group', id: string) => new GatehouseError('not_found', { message: `no ${resource} ${id}` }),
};
