import type { Knex } from 'knex';
import type { ComparisonOperator, Filter } from '../../core/kernel/queries.js';

/** How one filterable attribute is stored: its column, and whether it compares without case. */
export interface Column {
  sql: string;
  kind: 'text' | 'boolean' | 'date';
  /** text compared lower-cased (usernames and emails are stored lower-cased already) */
  caseless?: boolean;
  /** a predicate of its own instead of a column (e.g. a role among the account's roles) */
  where?: (query: Knex.QueryBuilder, op: ComparisonOperator | 'pr', value: unknown) => void;
}

const COMPARE: Record<Exclude<ComparisonOperator, 'co' | 'sw' | 'ew'>, string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };

/** `LIKE` with the caller's text taken literally: %, _ and the escape character itself escaped. */
function likePattern(op: 'co' | 'sw' | 'ew', value: string): string {
  const literal = value.replace(/[\\%_]/g, (c) => `\\${c}`);
  return op === 'co' ? `%${literal}%` : op === 'sw' ? `${literal}%` : `%${literal}`;
}

/**
 * Adds a kernel filter to a query as SQL with bound values only: nothing of the caller's text ever
 * becomes SQL. Attributes not in `columns` were refused by the face's parser already; one that slips
 * through matches nothing rather than everything.
 */
export function applyFilter<A extends string>(query: Knex.QueryBuilder, filter: Filter<A>, columns: Readonly<Record<A, Column>>): void {
  switch (filter.op) {
    case 'and':
      for (const inner of filter.filters) query.andWhere((q) => applyFilter(q, inner, columns));
      return;
    case 'or':
      query.andWhere((q) => {
        for (const inner of filter.filters) q.orWhere((qq) => applyFilter(qq, inner, columns));
      });
      return;
    case 'not':
      query.whereNot((q) => applyFilter(q, filter.filter, columns));
      return;
  }
  const column = columns[filter.attribute];
  if (!column) return void query.whereRaw('1 = 0');
  if (column.where) return void column.where(query, filter.op, 'value' in filter ? filter.value : undefined);
  if (filter.op === 'pr') {
    query.whereNotNull(column.sql);
    if (column.kind === 'text') query.andWhere(column.sql, '<>', '');
    return;
  }
  const { op, value } = filter;
  if (column.kind === 'boolean') {
    if (op !== 'eq' && op !== 'ne') return void query.whereRaw('1 = 0');
    return void query.where(column.sql, op === 'eq' ? '=' : '<>', value === true || value === 'true');
  }
  if (column.kind === 'date') {
    if (op === 'co' || op === 'sw' || op === 'ew') return void query.whereRaw('1 = 0');
    return void query.where(column.sql, COMPARE[op], value instanceof Date ? value : new Date(String(value)));
  }
  const text = String(value);
  // MySQL's _ci collations ignore case even where the attribute is case-exact (SCIM externalId).
  const target = column.caseless ? `lower(${column.sql})` : isMysql(query) ? `binary ${column.sql}` : column.sql;
  const operand = column.caseless ? text.toLowerCase() : text;
  if (op === 'co' || op === 'sw' || op === 'ew') return void query.whereRaw(`${target} like ? escape ?`, [likePattern(op, operand), '\\']);
  query.whereRaw(`${target} ${COMPARE[op]} ?`, [operand]);
}

function isMysql(query: Knex.QueryBuilder): boolean {
  return (query as unknown as { client: { config: { client: string } } }).client.config.client !== 'better-sqlite3';
}
