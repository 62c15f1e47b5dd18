import { addressOf, type DatabaseTarget } from './target.js';

type DriverError = { code?: string; errno?: number; message?: string; name?: string };

/**
 * What is wrong with the database connection, in one line an operator can act on: which database
 * is missing (and the statement that creates it), which user was refused, which address does not
 * answer. The password is never part of it.
 */
export function describeConnectionProblem(error: unknown, target: DatabaseTarget): string {
  const e = (error ?? {}) as DriverError;
  const code = e.code ?? '';
  const firstLine = (e.message ?? String(error)).split('\n')[0]!.slice(0, 200);
  if (target.kind === 'sqlite') {
    if (code === 'SQLITE_CANTOPEN' || code === 'EACCES' || code === 'ENOENT') return `cannot open the SQLite file ${target.path}: check that its directory exists and is writable (${code})`;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return `the SQLite file ${target.path} is locked by another process (${code})`;
    return `SQLite file ${target.path}: ${code ? `${code}: ` : ''}${firstLine}`;
  }
  const at = addressOf(target);
  const db = target.database;
  switch (code) {
    case 'ER_BAD_DB_ERROR':
      return (
        `database "${db}" does not exist on ${at}; create it with: ` +
        `CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; GRANT ALL ON \`${db}\`.* TO '${target.user}'@'%';`
      );
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return `access denied for user "${target.user}" on ${at}: check the user name and password in DATABASE_URL`;
    case 'ER_DBACCESS_DENIED_ERROR':
      return `user "${target.user}" may not use database "${db}" on ${at}; grant it with: GRANT ALL ON \`${db}\`.* TO '${target.user}'@'%';`;
    case 'ER_HOST_NOT_PRIVILEGED':
    case 'ER_HOST_IS_BLOCKED':
      return `${at} does not accept connections from this host for user "${target.user}" (${code})`;
    case 'ECONNREFUSED':
      return `${at} refused the connection: is the database server running and listening there?`;
    case 'ETIMEDOUT':
      return `${at} is unreachable: no answer before the connect timeout (wrong address, firewall, or the server is down)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${at} is unreachable: no route to the host (${code})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the database host "${target.host}" does not resolve (${code})`;
    case 'ER_CON_COUNT_ERROR':
      return `${at} has too many connections: raise max_connections or lower GATEHOUSE_DB_POOL_MAX`;
    case 'ECONNRESET':
    case 'PROTOCOL_CONNECTION_LOST':
    case 'ER_SERVER_SHUTDOWN':
      return `${at} closed the connection (${code}): the server may be starting or shutting down`;
    default:
      return `${at}: ${code ? `${code}: ` : ''}${firstLine}`;
  }
}
