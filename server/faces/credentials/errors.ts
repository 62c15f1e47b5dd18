import type { ErrorCode, GatehouseError } from '../../../core/errors.js';
import { statusOf } from '../../errors/status.js';
import { challengeHeaders, retryHeaders, type FaceErrorRenderer } from '../../errors/types.js';

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
  headers: { ...retryHeaders(error), ...challengeHeaders(error, statusOf(error), 'APIToken') },
});
