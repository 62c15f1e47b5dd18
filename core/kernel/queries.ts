/**
 * Structured questions about the directory, framework-free: what an operator's list filter or a
 * provisioning client's SCIM filter (RFC 7644 §3.4.2.2) becomes before db/ turns it into SQL. A
 * face parses its own syntax into this; the kernel never sees a query string.
 */

/** Comparisons of one attribute with a value (SCIM's operators; strings compare without case). */
export type ComparisonOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export type Filter<Attribute extends string> =
  | { op: ComparisonOperator; attribute: Attribute; value: string | boolean | Date }
  /** the attribute has a value */
  | { op: 'pr'; attribute: Attribute }
  | { op: 'and' | 'or'; filters: readonly Filter<Attribute>[] }
  | { op: 'not'; filter: Filter<Attribute> };

/** Account attributes a filter may name. `id` is the public UUID; `role` matches any of the roles. */
export type AccountAttribute = 'id' | 'username' | 'email' | 'displayName' | 'givenName' | 'familyName' | 'externalId' | 'active' | 'isAdmin' | 'role' | 'createdAt' | 'updatedAt';

export type OrganizationAttribute = 'id' | 'name' | 'externalId';

export interface Page<Attribute extends string> {
  /** rows to skip (SCIM's startIndex − 1) */
  offset: number;
  /** at most this many (0: only count) */
  limit: number;
  sortBy?: Attribute;
  descending?: boolean;
}

export interface PageOf<T> {
  /** every match, not only this page's */
  total: number;
  items: T[];
}

/** The most a page may hold: an unbounded list is a denial of service on a large directory. */
export const MAX_PAGE = 500;

export function boundedPage<Attribute extends string>(page: Partial<Page<Attribute>>): Page<Attribute> {
  return {
    // finite and bounded: a query value such as `1e309` arrives as Infinity
    offset: Math.min(2_147_483_647, Math.max(0, Math.floor(page.offset ?? 0))),
    limit: Math.min(MAX_PAGE, Math.max(0, Math.floor(page.limit ?? 100))),
    ...(page.sortBy ? { sortBy: page.sortBy } : {}),
    ...(page.descending ? { descending: true } : {}),
  };
}
