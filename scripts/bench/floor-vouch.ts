/**
 * Baseline: the floor under vouch. node:http answering a session cookie with the same session
 * lookup Gatehouse runs (the repository's own query), as a statement prepared once —
 * better-sqlite3 on the bench's SQLite file, mysql2 `execute` on its MariaDB database — and the
 * same checks (unknown, revoked, expired, inactive account: 401). No contract, no request id, no
 * logging, no metrics, no framework: what a session check costs on this machine and this store
 * before anything Gatehouse adds. Read beside vouch, it says how much of the gap to a goal is
 * Gatehouse's and how much the store's.
 */
import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import mysql from 'mysql2';
import { openDatabase } from '../../db/connect.js';
import { sessionWithAccount } from '../../db/repositories/sessions.js';
import { serveUntilStopped } from './serve.js';

type Row = Record<string, unknown>;
type Lookup = (tokenHash: string, answer: (error: Error | null, row?: Row) => void) => void;

const url = process.env.FLOOR_DATABASE_URL;
const db = openDatabase({ url, sqlitePath: process.env.FLOOR_SQLITE_PATH ?? ':memory:', poolMax: 1, acquireTimeoutMs: 10_000 });
const sql = `${sessionWithAccount(db, '').toSQL().toNative().sql} limit 1`;

async function lookup(): Promise<Lookup> {
  if (url) {
    const pool = mysql.createPool({ uri: url, connectionLimit: 10, timezone: 'Z', supportBigNumbers: true, bigNumberStrings: true });
    return (hash, answer) => pool.execute(sql, [hash], (error, rows) => answer(error, (rows as Row[] | undefined)?.[0]));
  }
  const connection = (await db.client.acquireConnection()) as { prepare(sql: string): { get(value: string): Row | undefined } };
  const statement = connection.prepare(sql);
  return (hash, answer) => answer(null, statement.get(hash));
}

const time = (value: unknown) => (value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(String(value)));
const live = (row: Row | undefined, now: number) =>
  row !== undefined && row.kind === 'simple-auth' && row.revoked_at === null && time(row.idle_expires_at) > now && time(row.absolute_expires_at) > now && Boolean(Number(row.a_active));

function refuse(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-length': '0', 'cache-control': 'no-store' });
  res.end();
}

const find = await lookup();
serveUntilStopped(
  createServer((req, res) => {
    if (req.url === '/healthz') return refuse(res, 204);
    const token = /(?:^|;\s*)auth=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (!token) return refuse(res, 401);
    find(createHash('sha256').update(token).digest('hex'), (error, row) => {
      if (error) return refuse(res, 503);
      if (!live(row, Date.now())) return refuse(res, 401);
      const body = JSON.stringify({ user: row!.a_username });
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store', 'x-user-id': String(row!.a_uuid) });
      res.end(body);
    });
  }),
);
