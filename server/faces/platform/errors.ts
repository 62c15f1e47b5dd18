import type { GatehouseError } from '../../../core/errors.js';
import { statusOf } from '../../errors/status.js';
import { challengeHeaders, retryHeaders, type FaceErrorRenderer } from '../../errors/types.js';

/**
 * Contract violations in QuackStack's words (`username is required`, `password must be at least
 * 12 characters`), so clients written against the original read the same messages.
 */
function validationMessage(error: GatehouseError): string {
  for (const field of error.fields) {
    const name = /^\/body\/([\w]+)/.exec(field.path)?.[1];
    if (!name) continue;
    if (name === 'password' && /fewer than/.test(field.message)) return 'password must be at least 12 characters';
    if (name === 'password' && /more than/.test(field.message)) return 'password must be at most 72 bytes';
    if (name === 'ttl_seconds') return 'ttl_seconds must be between 60 and 86400';
    if (/required property/.test(field.message)) return `${name} is required`;
    if (name === 'principal_id') return 'principal_id must be a UUID';
    return `invalid ${name}`;
  }
  return 'invalid request body';
}

/** platform: `{code: <http status>, message}`; 401 carries the Bearer challenge (RFC 6750 §3). */
export const renderPlatformError: FaceErrorRenderer = (error) => {
  const message = error.code === 'internal' ? 'internal error' : error.code === 'validation_failed' ? validationMessage(error) : error.message;
  return {
    status: statusOf(error),
    body: { code: statusOf(error), message },
    headers: { ...retryHeaders(error), ...challengeHeaders(error, statusOf(error), 'Bearer') },
  };
};
