import { GatehouseError } from '../../errors.js';

/**
 * The portal's public `detail` messages (openapi/portal.yaml). Each failure family answers one
 * message whatever check failed, so the answer is no oracle; `logDetail` says which check it was.
 */
export const portalErrors = {
  incorrectCredentials: (why: string) => new GatehouseError('invalid_credentials', { message: 'Incorrect email or password', logDetail: why }),
  invalidCode: (why: string) => new GatehouseError('bad_request', { message: 'Invalid or expired code', logDetail: why }),
  invalidResetToken: (why: string) => new GatehouseError('bad_request', { message: 'Invalid or expired reset token', logDetail: why }),
  organizationNotFound: () => new GatehouseError('not_found', { message: 'Organization not found' }),
  notMember: () => new GatehouseError('forbidden', { message: 'Not a member of this organization' }),
  loginSessionNotFound: (why: string) => new GatehouseError('not_found', { message: 'Login session not found', logDetail: why }),
  loginSessionForbidden: (why: string) => new GatehouseError('forbidden', { message: 'Login session belongs to another user', logDetail: why }),
  loginSessionDecided: (status: string) => new GatehouseError('conflict', { message: 'Login session already decided', logDetail: `status ${status}` }),
  userNotFound: (why: string) => new GatehouseError('not_found', { message: 'User not found', logDetail: why }),
  impersonationForbidden: (why: string) => new GatehouseError('forbidden', { message: 'Not allowed to impersonate this user', logDetail: why }),
  pollingTooFast: () => new GatehouseError('throttled', { message: 'Polling too fast', retryAfterSeconds: 2 }),
};

/** Every throttled portal answer in the contract's words; the RateLimiter's own message is internal. */
export const THROTTLED_MESSAGES = {
  failedAttempts: 'Too many failed attempts. Try again later.',
  requests: 'Too many requests. Try again later.',
} as const;
