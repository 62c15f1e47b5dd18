import { ERROR_CATALOG, type GatehouseError } from '../../../core/errors.js';
import { statusOf } from '../../errors/status.js';
import { challengeHeaders, retryHeaders, type FaceErrorRenderer } from '../../errors/types.js';

/**
 * RFC 9457 problem details: `type` names Gatehouse's stable error code, `title` its fixed text
 * (the same for every occurrence, §3.1.3), `detail` this occurrence, `errors` the fields of a
 * request outside the contract as JSON pointers.
 */
export const renderProblem: FaceErrorRenderer = (error: GatehouseError) => {
  const status = statusOf(error);
  const internal = error.code === 'internal';
  return {
    status,
    body: {
      type: `urn:gatehouse:problem:${error.code}`,
      title: ERROR_CATALOG[error.code],
      status,
      detail: internal ? 'internal error' : error.message,
      ...(error.fields.length ? { errors: error.fields.map((f) => ({ pointer: f.path, detail: f.message })) } : {}),
    },
    headers: { 'Content-Type': 'application/problem+json; charset=utf-8', 'Cache-Control': 'no-store', ...retryHeaders(error), ...challengeHeaders(error, status, 'Bearer') },
  };
};
