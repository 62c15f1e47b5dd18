/**
 * One error type for the whole domain, with a closed catalog of stable codes and their public
 * messages. The core knows no HTTP: each face renders these codes in its own documented shape, and
 * the code → status table is in server/errors/status.ts. The message never carries a cause;
 * causes go to the log, not the reply.
 */
export const ERROR_CATALOG = {
  // request problems
  bad_request: 'bad request',
  validation_failed: 'request does not match the contract',
  credentials_failed_requirements: 'credentials do not meet the requirements',
  account_email_exists: 'an account with this email already exists',
  totp_failed: 'totp-failed',
  totp_missing: 'totp-missing',
  totp_disabled: 'two-factor authentication is not active',
  // who is calling
  unauthenticated: 'Request did not pass any authentication schemes',
  invalid_credentials: 'invalid-credentials',
  inactive_account: 'inactive-account',
  unsatisfied_stipulations: 'unsatisfied-stipulations',
  invalid_token: 'invalid token',
  expired_token: 'token expired',
  no_stipulation_satisfied: 'no stipulation satisfied',
  invalid_auth_token: 'invalid auth token',
  invalid_client: 'client authentication failed',
  // what the caller may do
  forbidden: 'forbidden',
  insufficient_scope: 'insufficient_scope',
  csrf_failed: 'invalid csrf token',
  feature_disabled: 'this feature is disabled',
  // what exists
  not_found: 'not found',
  account_not_found: 'account not found',
  local_login_not_found: 'no local login for this account',
  method_not_allowed: 'method not allowed',
  conflict: 'conflict',
  username_unavailable: 'username is already in use',
  // the service
  throttled: 'too many attempts, try again later',
  internal: 'internal error',
  upstream_unavailable: 'the upstream identity provider is unreachable',
  unavailable: 'the identity store is unreachable',
} as const satisfies Record<string, string>;

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
  /** a WWW-Authenticate challenge to send with a 401 (RFC 9110 §11.6.1), or with an insufficient_scope 403 (RFC 6750 §3.1) */
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
    super(options.message ?? ERROR_CATALOG[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatehouseError';
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.fields = options.fields ?? [];
    this.reason = options.reason;
    this.logDetail = options.logDetail;
    this.challenge = options.challenge;
  }
}

export function isGatehouseError(error: unknown): error is GatehouseError {
  return error instanceof GatehouseError;
}

/** Anything that is not a GatehouseError is an internal error as far as the caller can see. */
export function asGatehouseError(error: unknown): GatehouseError {
  return isGatehouseError(error) ? error : new GatehouseError('internal', { cause: error });
}
