import { statusOf } from '../../errors/status.js';
import { retryHeaders, type FaceErrorRenderer } from '../../errors/types.js';

/** ops probes: the probe shape itself, `{status, reason}`, with the error code as the reason. */
export const renderOpsError: FaceErrorRenderer = (error) => {
  const status = statusOf(error);
  return { status, body: { status: status === 503 ? 'unavailable' : 'error', reason: error.code }, headers: retryHeaders(error) };
};
