import { GatehouseError, isGatehouseError } from '../../core/errors.js';
import { translateDbError } from '../../db/errors.js';

/** Why an answer was 503: the label set of `gatehouse_http_unavailable_total`, fixed. */
export const UNAVAILABLE_CAUSES = ['store', 'draining', 'hashing_pool', 'upstream', 'other'] as const;
export type UnavailableCause = (typeof UNAVAILABLE_CAUSES)[number];

/**
 * Derives the cause from the domain error alone, so the error handler needs no knowledge of who
 * threw it. An error says it is about draining or the hashing pool by its code or its log detail
 * (`draining`, `hashing pool full`…), about an upstream identity provider by the `upstream_*` code
 * family; a store failure is an `unavailable` whose cause the database layer's translation also
 * calls unavailable (connection refused, pool timeout, lost connection). Anything else, such as a
 * feature switched off that answers 503, is `other`.
 */
export function unavailableCause(error: GatehouseError): UnavailableCause {
  const said = `${error.code} ${error.logDetail ?? ''}`;
  if (/drain/i.test(said)) return 'draining';
  if (/hash/i.test(said)) return 'hashing_pool';
  if (error.code.startsWith('upstream')) return 'upstream';
  const cause = error.cause;
  if (isGatehouseError(cause)) return unavailableCause(cause);
  if (error.code === 'unavailable' && cause !== undefined && translateDbError(cause).code === 'unavailable') return 'store';
  return 'other';
}
