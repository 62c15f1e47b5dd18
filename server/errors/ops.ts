import { retryHeaders, type FaceErrorRenderer } from './types.js';

/** ops probes: the probe shape itself, `{status, reason}`, with the error code as the reason. */
export const renderOpsError: FaceErrorRenderer = (error) => ({
  status: error.status,
  body: { status: error.status === 503 ? 'unavailable' : 'error', reason: error.code },
  headers: retryHeaders(error),
});
