import type { ErrorCode } from '../../../core/errors.js';
import { statusOf } from '../../errors/status.js';
import { retryHeaders, type FaceErrorRenderer } from '../../errors/types.js';

function publicMessage(message: string, code: ErrorCode): string {
  return code === 'internal' ? 'internal error' : message;
}

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
