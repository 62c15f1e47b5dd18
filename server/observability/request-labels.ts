import type { Request, Response } from 'express';
import { faceOfPath } from '../errors/face-of-path.js';

type OpenApiRequest = Request & { openapi?: { schema?: { operationId?: string } } };

/**
 * The contract operation a finished request was addressed to: the one the binder ran, or, for a
 * request the contract validator refused before the binder, the one the validator matched.
 * Undefined for anything outside the contracts (pages, health, unknown paths). Both come from the
 * route tables, so the set is bounded (safe as a metric label).
 */
export function operationOf(req: Request, res: Response): string | undefined {
  return (res.locals.operationId as string | undefined) ?? (req as OpenApiRequest).openapi?.schema?.operationId;
}

/** The face of the operation (from the binder, else from the path), or `none` outside the contracts. */
export function faceOf(req: Request, res: Response, operation: string | undefined): string {
  return (res.locals.face as string | undefined) ?? (operation === undefined ? 'none' : faceOfPath(req.path));
}
