import type { GatehouseError } from '../../core/errors.js';

export interface ErrorReply {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** Renders a domain error in one face's documented error shape. */
export type FaceErrorRenderer = (error: GatehouseError, operationId: string | undefined) => ErrorReply;

/**
 * WWW-Authenticate (RFC 9110 §11.6.1): every 401 names the face's scheme, or the error's own
 * challenge; a 403 for a token whose scope falls short names `insufficient_scope` (RFC 6750 §3.1).
 */
export function challengeHeaders(error: GatehouseError, status: number, scheme: string | undefined): Record<string, string> {
  const challenge = status === 401 ? (error.challenge ?? scheme) : error.code === 'insufficient_scope' ? error.challenge : undefined;
  return challenge ? { 'WWW-Authenticate': challenge } : {};
}

/** Retry-After (RFC 9110 §10.2.3) on throttling and outages, in every face. */
export function retryHeaders(error: GatehouseError): Record<string, string> {
  return error.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(error.retryAfterSeconds) };
}
