import type { GatehouseError } from '../../core/errors.js';

export interface ErrorReply {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** Renders a domain error in one face's documented error shape. */
export type FaceErrorRenderer = (error: GatehouseError, operationId: string | undefined) => ErrorReply;

/** Retry-After (RFC 9110 §10.2.3) on throttling and outages, in every face. */
export function retryHeaders(error: GatehouseError): Record<string, string> {
  return error.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(error.retryAfterSeconds) };
}
