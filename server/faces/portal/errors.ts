import { ERROR_CATALOG, type GatehouseError } from '../../../core/errors.js';
import { THROTTLED_MESSAGES } from '../../../core/faces/portal/errors.js';
import { statusOf } from '../../errors/status.js';
import { challengeHeaders, retryHeaders, type FaceErrorRenderer } from '../../errors/types.js';

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
  const status = statusOf(error);
  // RFC 6750 §3: a missing or dead token's 401 names the Bearer scheme (a wrong password's does not).
  const challenge = error.code === 'unauthenticated' ? { 'WWW-Authenticate': 'Bearer' } : challengeHeaders(error, status, undefined);
  return { status, body: { detail: portalDetail(error, operationId) }, headers: { ...retryHeaders(error), ...challenge } };
};
