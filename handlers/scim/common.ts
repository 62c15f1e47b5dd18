import type { ScimRules } from '../../core/faces/scim/index.js';
import { parseProjection, type Projection } from '../../core/faces/scim/resources.js';
import type { ScimHandlers } from '../../generated/scim/handlers.gen.js';
import type { HandlerContext } from '../context.js';

export type Ctx = HandlerContext<ScimRules>;
export type H = ScimHandlers<Ctx>;

/** Every SCIM response is application/scim+json (RFC 7644 §3.1). */
export const SCIM_JSON = { 'Content-Type': 'application/scim+json; charset=utf-8' } as const;

export function projectionOf(query: { attributes?: string; excludedAttributes?: string } | undefined): Projection {
  return parseProjection(query?.attributes, query?.excludedAttributes);
}
