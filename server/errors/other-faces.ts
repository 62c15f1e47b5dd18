import { ERROR_CATALOG, type ErrorCode, type GatehouseError } from '../../core/errors.js';
import { THROTTLED_MESSAGES } from '../../core/faces/portal/errors.js';
import { statusOf } from './status.js';
import { retryHeaders, type FaceErrorRenderer } from './types.js';

function publicMessage(message: string, code: ErrorCode): string {
  return code === 'internal' ? 'internal error' : message;
}

/** google.rpc.Code for each HTTP status, as grpc-gateway maps them back. */
const GRPC_CODES: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 405: 12, 409: 6, 429: 8, 500: 13, 503: 14, 504: 4 };

/** What grpc-gateway's `details` carries: google.rpc.ErrorInfo, BadRequest and RetryInfo as google.protobuf.Any. */
function credentialsDetails(error: GatehouseError): Record<string, unknown>[] {
  const details: Record<string, unknown>[] = [
    { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: error.reason ?? (error.code === 'validation_failed' || error.code === 'bad_request' ? 'VALIDATION_FAILED' : error.code.toUpperCase()), domain: 'gatehouse' },
  ];
  if (error.fields.length) {
    details.push({
      '@type': 'type.googleapis.com/google.rpc.BadRequest',
      field_violations: error.fields.map((f) => ({ field: f.path.replace(/^\/(body|query|path)\/?/, '').replace(/\//g, '.') || f.path, description: f.message })),
    });
  }
  if (error.retryAfterSeconds !== undefined) details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retry_delay: `${error.retryAfterSeconds}s` });
  return details;
}

/** credentials: grpc-gateway's `{code, message, details}`; a 401 names the APIToken scheme. */
export const renderCredentialsError: FaceErrorRenderer = (error) => ({
  status: statusOf(error),
  body: { code: GRPC_CODES[statusOf(error)] ?? 2, message: publicMessage(error.message, error.code), details: credentialsDetails(error) },
  headers: { ...retryHeaders(error), ...(statusOf(error) === 401 ? { 'WWW-Authenticate': error.challenge ?? 'APIToken' } : {}) },
});

/** The portal's sign-in operations, whose 429 is a lockout after failed attempts (TooManyLoginAttempts). */
const PORTAL_LOGINS = new Set(['portalLogin', 'portalVerify2fa']);

/** The portal's generic `detail` for the codes whose catalog message is not in its words. */
function portalDetail(error: GatehouseError, operationId: string | undefined): string {
  switch (error.code) {
    case 'unauthenticated':
      return 'Not authenticated';
    case 'internal':
      return 'Internal Server Error';
    case 'unavailable':
      return 'Service temporarily unavailable';
    case 'not_found':
      return error.message === ERROR_CATALOG.not_found ? 'Not found' : error.message;
    case 'throttled':
      if (error.message === 'Polling too fast') return error.message;
      return operationId !== undefined && PORTAL_LOGINS.has(operationId) ? THROTTLED_MESSAGES.failedAttempts : THROTTLED_MESSAGES.requests;
    default:
      return error.message;
  }
}

/** portal: FastAPI's `{detail}`, and `{detail: [{loc, msg, type}]}` with 422 for validation. */
export const renderPortalError: FaceErrorRenderer = (error, operationId) => {
  if (error.code === 'validation_failed') {
    const detail = (error.fields.length ? error.fields : [{ path: '/body', message: error.message }]).map((f) => ({
      loc: f.path.split('/').filter(Boolean),
      msg: f.message,
      type: 'value_error',
    }));
    return { status: 422, body: { detail }, headers: {} };
  }
  const unauthenticated = error.code === 'unauthenticated';
  return {
    status: statusOf(error),
    body: { detail: portalDetail(error, operationId) },
    // RFC 6750 §3: a 401 names the Bearer scheme.
    headers: { ...retryHeaders(error), ...(unauthenticated ? { 'WWW-Authenticate': 'Bearer' } : {}) },
  };
};

const OAUTH2_CODES: Partial<Record<ErrorCode, string>> = {
  throttled: 'slow_down',
  unavailable: 'temporarily_unavailable',
  not_found: 'not_found',
};

/** discovery documents: RFC 6749 style `{error, error_description}`; a refused request is the client's error, not the server's. */
export const renderWellKnownError: FaceErrorRenderer = (error) => ({
  status: statusOf(error),
  body: { error: OAUTH2_CODES[error.code] ?? (statusOf(error) < 500 ? 'invalid_request' : 'server_error'), error_description: publicMessage(error.message, error.code) },
  headers: retryHeaders(error),
});
