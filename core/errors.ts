/**
 * One error type for the whole domain, with a closed catalog of stable codes. Each face renders
 * these codes in its own documented shape and status (server/errors/); the message here is the
 * public one and never carries a cause. Causes go to the log, not the reply.
 */
export const ERROR_CATALOG = {
  // request problems
  bad_request: { status: 400, message: 'bad request' },
  validation_failed: { status: 400, message: 'request does not match the contract' },
  credentials_failed_requirements: { status: 400, message: 'credentials do not meet the requirements' },
  account_email_exists: { status: 400, message: 'an account with this email already exists' },
  totp_failed: { status: 401, message: 'totp-failed' },
  totp_missing: { status: 401, message: 'totp-missing' },
  totp_disabled: { status: 400, message: 'two-factor authentication is not active' },
  // who is calling
  unauthenticated: { status: 401, message: 'Request did not pass any authentication schemes' },
  invalid_credentials: { status: 401, message: 'invalid-credentials' },
  inactive_account: { status: 401, message: 'inactive-account' },
  unsatisfied_stipulations: { status: 401, message: 'unsatisfied-stipulations' },
  invalid_token: { status: 401, message: 'invalid token' },
  expired_token: { status: 401, message: 'token expired' },
  no_stipulation_satisfied: { status: 401, message: 'no stipulation satisfied' },
  invalid_auth_token: { status: 401, message: 'invalid auth token' },
  invalid_client: { status: 401, message: 'client authentication failed' },
  // what the caller may do
  forbidden: { status: 403, message: 'forbidden' },
  csrf_failed: { status: 403, message: 'invalid csrf token' },
  feature_disabled: { status: 403, message: 'this feature is disabled' },
  // what exists
  not_found: { status: 404, message: 'not found' },
  account_not_found: { status: 404, message: 'account not found' },
  local_login_not_found: { status: 404, message: 'no local login for this account' },
  method_not_allowed: { status: 405, message: 'method not allowed' },
  conflict: { status: 409, message: 'conflict' },
  username_unavailable: { status: 409, message: 'username is already in use' },
  // the service
  throttled: { status: 429, message: 'too many attempts, try again later' },
  internal: { status: 500, message: 'internal error' },
  upstream_unavailable: { status: 502, message: 'the upstream identity provider is unreachable' },
  unavailable: { status: 503, message: 'the identity store is unreachable' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export interface GatehouseErrorOptions {
  /** public message; defaults to the catalog's */
  message?: string;
  /** seconds, for throttled and unavailable */
  retryAfterSeconds?: number;
  /** where the request failed validation: `/body/email` */
  fields?: readonly { path: string; message: string }[];
  /** face-specific public detail (e.g. the simple-auth reason for a feature switch) */
  reason?: string;
  /** a WWW-Authenticate challenge to send with a 401 (RFC 9110 §11.6.1) */
  challenge?: string;
  /** the real cause, for the log only */
  cause?: unknown;
  /** what the log line says (which check failed), never sent */
  logDetail?: string;
}

export class GatehouseError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterSeconds: number | undefined;
  readonly fields: readonly { path: string; message: string }[];
  readonly reason: string | undefined;
  readonly logDetail: string | undefined;
  readonly challenge: string | undefined;

  constructor(code: ErrorCode, options: GatehouseErrorOptions = {}) {
    super(options.message ?? ERROR_CATALOG[code].message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatehouseError';
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.fields = options.fields ?? [];
    this.reason = options.reason;
    this.logDetail = options.logDetail;
    this.challenge = options.challenge;
  }

  get status(): number {
    return ERROR_CATALOG[this.code].status;
  }
}

export function isGatehouseError(error: unknown): error is GatehouseError {
  return error instanceof GatehouseError;
}

/** Anything that is not a GatehouseError is an internal error as far as the caller can see. */
export function asGatehouseError(error: unknown): GatehouseError {
  return isGatehouseError(error) ? error : new GatehouseError('internal', { cause: error });
}
