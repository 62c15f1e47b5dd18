/** Dialect differences in what rows hold, smoothed in one place (MySQL vs SQLite). */

/** MySQL returns Date; SQLite returns epoch milliseconds (number or numeric string). */
export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'string') return /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value.endsWith('Z') || value.includes('+') ? value : `${value}Z`);
  throw new Error(`not a datetime: ${String(value)}`);
}

export function toDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}

/** MySQL tinyint(1) and SQLite integers both come back as 0/1. */
export function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}

/** COUNT(*) is a string under mysql2's bigNumberStrings, a number on SQLite. */
export function toCount(value: unknown): number {
  return Number(value ?? 0);
}

export function toNumberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
