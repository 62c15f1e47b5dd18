import type { ErrorCode, GatehouseError } from '../../../core/errors.js';
import { statusOf } from '../../errors/status.js';
import { challengeHeaders, retryHeaders, type ErrorReply, type FaceErrorRenderer } from '../../errors/types.js';

/** simple-auth's documented reason codes and statuses for each domain error. */
const REASONS: Partial<Record<ErrorCode, { status: number; reason: string }>> = {
  bad_request: { status: 400, reason: 'bad-request' },
  validation_failed: { status: 400, reason: 'bad-request' },
  credentials_failed_requirements: { status: 400, reason: 'credentials-failed-requirements' },
  account_email_exists: { status: 400, reason: 'account-email-exists' },
  totp_disabled: { status: 400, reason: 'totp-disabled' },
  unauthenticated: { status: 401, reason: 'unauthorized' },
  invalid_credentials: { status: 401, reason: 'invalid-credentials' },
  inactive_account: { status: 401, reason: 'inactive-account' },
  unsatisfied_stipulations: { status: 401, reason: 'unsatisfied-stipulations' },
  totp_missing: { status: 401, reason: 'totp-missing' },
  totp_failed: { status: 401, reason: 'totp-failed' },
  invalid_token: { status: 401, reason: 'invalid-token' },
  expired_token: { status: 401, reason: 'expired' },
  no_stipulation_satisfied: { status: 401, reason: 'no-stipulation-satisfied' },
  invalid_auth_token: { status: 401, reason: 'invalid-auth-token' },
  forbidden: { status: 403, reason: 'forbidden' },
  insufficient_scope: { status: 403, reason: 'insufficient-scope' },
  csrf_failed: { status: 403, reason: 'invalid-csrf-token' },
  feature_disabled: { status: 403, reason: 'feature-disabled' },
  not_found: { status: 404, reason: 'not-found' },
  account_not_found: { status: 404, reason: 'invalid-account' },
  local_login_not_found: { status: 404, reason: 'local-login-not-found' },
  method_not_allowed: { status: 405, reason: 'method-not-allowed' },
  conflict: { status: 409, reason: 'conflict' },
  username_unavailable: { status: 409, reason: 'username-unavailable' },
  throttled: { status: 429, reason: 'throttled' },
  internal: { status: 500, reason: 'internal-error' },
  unavailable: { status: 503, reason: 'unavailable' },
};

/** Operations that answer errors as RFC 6749 §5.2 `{error, error_description}`. */
export const OAUTH2_OPERATIONS = new Set(['getUserInfo', 'postUserInfo', 'getOauth2Client', 'authorizeGrant', 'grantToken', 'introspectToken', 'revokeTokenRfc7009']);

const OAUTH2_CODES: Partial<Record<ErrorCode, string>> = {
  throttled: 'slow_down',
  unavailable: 'temporarily_unavailable',
  internal: 'server_error',
  not_found: 'invalid_client',
  invalid_client: 'invalid_client',
  invalid_token: 'invalid_token',
  insufficient_scope: 'insufficient_scope',
};

export const renderSimpleAuthError: FaceErrorRenderer = (error, operationId): ErrorReply => {
  const mapped = REASONS[error.code] ?? { status: statusOf(error), reason: error.code.replace(/_/g, '-') };
  const status = mapped.status;
  const reason = error.reason ?? mapped.reason;
  // The session/CSRF layer in front of the consent endpoint keeps the common shape.
  const fromAuthLayer = error.code === 'unauthenticated' || error.code === 'csrf_failed';
  if (operationId !== undefined && OAUTH2_OPERATIONS.has(operationId) && !fromAuthLayer) return oauth2Reply(error, status);
  // Internal errors never echo a message that might carry a cause.
  const message = error.code === 'internal' ? 'internal-error' : error.message;
  // A 401 that names its challenge (e.g. /auth/simple's Bearer secret) says so (RFC 9110 §11.6.1).
  return { status, body: { error: true, message, reason }, headers: { ...retryHeaders(error), ...challengeHeaders(error, status, undefined) } };
};

function oauth2Reply(error: GatehouseError, status: number): ErrorReply {
  const code = error.reason ?? OAUTH2_CODES[error.code] ?? 'invalid_request';
  const description = error.code === 'internal' ? 'internal error' : error.message;
  return {
    status,
    body: { error: code, error_description: description },
    headers: { ...retryHeaders(error), ...(error.challenge ? { 'WWW-Authenticate': error.challenge } : {}), 'Cache-Control': 'no-store', Pragma: 'no-cache' },
  };
}
