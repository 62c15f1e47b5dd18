import type { ErrorCode } from '../../core/errors.js';
import { retryHeaders, type FaceErrorRenderer } from './types.js';

function publicMessage(message: string, code: ErrorCode): string {
  return code === 'internal' ? 'internal error' : message;
}

/** google.rpc.Code for each HTTP status, as grpc-gateway maps them back. */
const GRPC_CODES: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 405: 12, 409: 6, 429: 8, 500: 13, 503: 14, 504: 4 };

/** credentials: grpc-gateway's `{code, message, details}`. */
export const renderCredentialsError: FaceErrorRenderer = (error) => ({
  status: error.status,
  body: { code: GRPC_CODES[error.status] ?? 2, message: publicMessage(error.message, error.code), details: [] },
  headers: retryHeaders(error),
});

/** portal: FastAPI's `{detail}`, and `{detail: [{loc, msg, type}]}` with 422 for validation. */
export const renderPortalError: FaceErrorRenderer = (error) => {
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
    status: error.status,
    body: { detail: unauthenticated ? 'Not authenticated' : error.code === 'not_found' ? 'Not found' : publicMessage(error.message, error.code) },
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
  status: error.status,
  body: { error: OAUTH2_CODES[error.code] ?? (error.status < 500 ? 'invalid_request' : 'server_error'), error_description: publicMessage(error.message, error.code) },
  headers: retryHeaders(error),
});
