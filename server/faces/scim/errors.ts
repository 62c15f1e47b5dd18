import { SCIM_TYPES } from '../../../core/faces/scim/errors.js';
import type { ErrorCode, GatehouseError } from '../../../core/errors.js';
import { statusOf } from '../../errors/status.js';
import { challengeHeaders, retryHeaders, type FaceErrorRenderer } from '../../errors/types.js';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The scimType a kernel refusal stands for (RFC 7644 §3.12 Table 9), when its rules did not name one. */
const SCIM_TYPE_OF: Partial<Record<ErrorCode, string>> = {
  validation_failed: 'invalidSyntax',
  bad_request: 'invalidValue',
  credentials_failed_requirements: 'invalidValue',
  account_email_exists: 'uniqueness',
  conflict: 'uniqueness',
  username_unavailable: 'uniqueness',
};

/** SCIM's error schema, `status` as a string, served as application/scim+json; a 401 names Bearer. */
export const renderScimError: FaceErrorRenderer = (error: GatehouseError) => {
  const status = statusOf(error);
  const scimType = error.reason && SCIM_TYPES.has(error.reason) ? error.reason : SCIM_TYPE_OF[error.code];
  return {
    status,
    body: { schemas: [ERROR_SCHEMA], status: String(status), ...(scimType && status < 500 ? { scimType } : {}), detail: error.code === 'internal' ? 'internal error' : error.message },
    headers: { 'Content-Type': 'application/scim+json; charset=utf-8', ...retryHeaders(error), ...challengeHeaders(error, status, 'Bearer') },
  };
};
