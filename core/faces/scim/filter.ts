import { parse, type Filter as ScimFilter } from 'scim2-parse-filter';
import type { AccountAttribute, ComparisonOperator, Filter, OrganizationAttribute, Page } from '../../kernel/queries.js';
import { scimErrors } from './errors.js';

/**
 * SCIM attribute paths (lower-cased: RFC 7643 §2.1 makes them case-insensitive) → the kernel's
 * attributes. Only these can be filtered or sorted on; anything else is `invalidFilter`, never a
 * silently ignored condition (an ignored `and` would widen the result).
 */
export const USER_ATTRIBUTES: Readonly<Record<string, AccountAttribute>> = {
  id: 'id',
  username: 'username',
  externalid: 'externalId',
  displayname: 'displayName',
  'name.givenname': 'givenName',
  'name.familyname': 'familyName',
  emails: 'email',
  'emails.value': 'email',
  active: 'active',
  'meta.created': 'createdAt',
  'meta.lastmodified': 'updatedAt',
};

export const GROUP_ATTRIBUTES: Readonly<Record<string, OrganizationAttribute>> = {
  id: 'id',
  displayname: 'name',
  externalid: 'externalId',
};

const DATE_ATTRIBUTES: ReadonlySet<string> = new Set(['createdAt', 'updatedAt']);
const URN_PREFIX = /^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/i;

/** An attribute path as the kernel names it: the URN prefix dropped, case folded. */
function attributeOf<A extends string>(path: string, table: Readonly<Record<string, A>>): A {
  const attribute = table[path.replace(URN_PREFIX, '').toLowerCase()];
  if (!attribute) throw scimErrors.invalidFilter(`attribute ${path} cannot be filtered on`);
  return attribute;
}

/** RFC 7644 §3.4.2.2 filter text → the kernel's structured filter over `table`'s attributes. */
export function parseFilter<A extends string>(text: string, table: Readonly<Record<string, A>>): Filter<A> {
  let tree: ScimFilter;
  try {
    tree = parse(text);
  } catch (error) {
    throw scimErrors.invalidFilter(`filter is not valid SCIM filter syntax: ${(error as Error).message}`);
  }
  return translate(tree, table, '');
}

function translate<A extends string>(node: ScimFilter, table: Readonly<Record<string, A>>, parent: string): Filter<A> {
  switch (node.op) {
    case 'and':
    case 'or':
      return { op: node.op, filters: node.filters.map((inner) => translate(inner, table, parent)) };
    case 'not':
      return { op: 'not', filter: translate(node.filter, table, parent) };
    case '[]':
      // emails[value eq "…"]: the inner paths are sub-attributes of the outer one
      return translate(node.valFilter, table, `${node.attrPath}.`);
    case 'pr':
      return { op: 'pr', attribute: attributeOf(parent + node.attrPath, table) };
  }
  const attribute = attributeOf(parent + node.attrPath, table);
  const value = node.compValue;
  if (value === null) throw scimErrors.invalidFilter('comparisons with null are not supported; use pr or not(… pr)');
  if (DATE_ATTRIBUTES.has(attribute)) {
    const at = new Date(String(value));
    if (Number.isNaN(at.getTime())) throw scimErrors.invalidFilter(`${node.attrPath} takes an RFC 3339 date-time`);
    return { op: node.op as ComparisonOperator, attribute, value: at };
  }
  return { op: node.op as ComparisonOperator, attribute, value: typeof value === 'boolean' ? value : String(value) };
}

/** `sortBy` as the kernel names it (RFC 7644 §3.4.2.3), or a 400. */
export function sortAttribute<A extends string>(path: string | undefined, table: Readonly<Record<string, A>>): A | undefined {
  if (!path) return undefined;
  const attribute = table[path.replace(URN_PREFIX, '').toLowerCase()];
  if (!attribute) throw scimErrors.invalidValue(`cannot sort by ${path}`);
  return attribute;
}

/** A list request's query parameters (RFC 7644 §3.4.2). */
export interface ListQuery {
  filter?: string | undefined;
  startIndex?: number | undefined;
  count?: number | undefined;
  sortBy?: string | undefined;
  sortOrder?: 'ascending' | 'descending' | undefined;
}

/** The kernel's filter and page for a list request; `startIndex` below 1 counts as 1 (RFC 7644 §3.4.2.4). */
export function listRequest<A extends string>(query: ListQuery, table: Readonly<Record<string, A>>): { filter: Filter<A> | undefined; startIndex: number; page: Partial<Page<A>> } {
  const startIndex = Math.max(1, query.startIndex ?? 1);
  const sortBy = sortAttribute(query.sortBy, table);
  return {
    filter: query.filter ? parseFilter(query.filter, table) : undefined,
    startIndex,
    page: { offset: startIndex - 1, limit: query.count ?? 100, ...(sortBy ? { sortBy } : {}), descending: query.sortOrder === 'descending' },
  };
}
