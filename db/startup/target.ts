import type { Knex } from 'knex';
import { dialectOf } from '../connect.js';

/** Where the store lives, as an operator names it (never with the password). */
export type DatabaseTarget =
  | { kind: 'mysql'; host: string; port: number; user: string; database: string; connection: Record<string, unknown> }
  | { kind: 'sqlite'; path: string };

export function targetOf(db: Knex): DatabaseTarget {
  const connection = db.client.config.connection as Record<string, unknown>;
  if (dialectOf(db) === 'sqlite') return { kind: 'sqlite', path: String(connection.filename) };
  const url = new URL(String(connection.uri));
  return {
    kind: 'mysql',
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
    connection,
  };
}

export function addressOf(target: DatabaseTarget): string {
  return target.kind === 'mysql' ? `${target.host}:${target.port}` : target.path;
}
