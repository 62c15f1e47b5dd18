import type { ErrorCode, GatehouseError } from '../../core/errors.js';

/**
 * The one table from a domain error code to its HTTP status (RFC 9110 §15). Faces that answer a
 * code with another status (simple-auth's documented reasons, the portal's 422) say so in their
 * renderer; everything else answers this.
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  bad_request: 400,
  validation_failed: 400,
  credentials_failed_requirements: 400,
  account_email_exists: 400,
  totp_failed: 401,
  totp_missing: 401,
  totp_disabled: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  inactive_account: 401,
  unsatisfied_stipulations: 401,
  invalid_token: 401,
  expired_token: 401,
  no_stipulation_satisfied: 401,
  invalid_auth_token: 401,
  invalid_client: 401,
  forbidden: 403,
  insufficient_scope: 403,
  csrf_failed: 403,
  feature_disabled: 403,
  not_found: 404,
  account_not_found: 404,
  local_login_not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  username_unavailable: 409,
  throttled: 429,
  internal: 500,
  upstream_unavailable: 502,
  unavailable: 503,
};

export function statusOf(error: GatehouseError): number {
  return HTTP_STATUS[error.code];
}
