import type { GatehouseError } from '../../../core/errors.js';
import { statusOf } from '../../errors/status.js';
import { challengeHeaders, retryHeaders, type FaceErrorRenderer } from '../../errors/types.js';

const LOGINS = new Set(['loginClientCredentials', 'loginPasswordForm']);

/**
 * Contract violations in the contract's words (BadGrantRequest, BadRequest): short and stable. On
 * the logins a wrong or missing grant_type (or no body at all) is named first: without the right
 * grant type the other fields mean nothing (RFC 6749 §5.2 `unsupported_grant_type`).
 */
function validationMessage(error: GatehouseError, operationId: string | undefined): string {
  if (operationId === undefined || !LOGINS.has(operationId)) return 'request does not match the contract';
  const about = (name: string) => error.fields.some((f) => f.path === `/body/${name}` || f.message.includes(`'${name}'`));
  const missing = (name: string) => error.fields.some((f) => f.message.includes(`required property '${name}'`));
  if (!error.fields.some((f) => f.path.startsWith('/body')) || about('grant_type')) return 'unsupported grant_type';
  if (missing('username') || missing('password')) return 'username and password are required';
  return 'request does not match the contract';
}

/**
 * mgmt: `{message}` (what croit's own clients read). A 401 names its scheme (RFC 9110 §11.6.1):
 * the error's own challenge (the Basic login's), else Bearer (RFC 6750 §3).
 */
export const renderMgmtError: FaceErrorRenderer = (error, operationId) => {
  const message = error.code === 'internal' ? 'internal error' : error.code === 'validation_failed' ? validationMessage(error, operationId) : error.message;
  return {
    status: statusOf(error),
    body: { message },
    headers: { ...retryHeaders(error), ...challengeHeaders(error, statusOf(error), 'Bearer') },
  };
};
