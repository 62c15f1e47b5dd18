/**
 * `--sessions <n>`: fills the sessions table to n rows before the load, so a run shows whether a
 * session check costs the same with a thousand sessions as with a million (every hot lookup is by
 * a unique index; this is how that is measured, not assumed). The extra sessions are live
 * (unexpired, not revoked) and belong to the bench account; their token hashes are random, so no
 * cookie presents them. Written straight into the store, in batches: through the API a million
 * sign-ins would cost a million password hashes.
 */
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../../db/connect.js';

const BATCH = 2_000;

export async function fillSessions(database: { sqlitePath: string } | { url: string }, username: string, total: number, log: (line: string) => void): Promise<void> {
  const db = openDatabase({ ...('url' in database ? { url: database.url, sqlitePath: '' } : { sqlitePath: database.sqlitePath }), poolMax: 1, acquireTimeoutMs: 30_000 });
  try {
    const account = (await db('accounts').where({ username }).first('id')) as { id: number } | undefined;
    if (!account) throw new Error(`--sessions: no account ${username} to give the sessions to`);
    const present = Number(((await db('sessions').count({ n: '*' })) as [{ n: number | string }])[0].n);
    const now = new Date();
    const later = new Date(now.getTime() + 30 * 86_400_000);
    const started = Date.now();
    for (let made = present; made < total; ) {
      const rows = Array.from({ length: Math.min(BATCH, total - made) }, () => ({
        token_hash: randomBytes(32).toString('hex'),
        account_id: account.id,
        kind: 'simple-auth',
        source: 'login',
        created_at: now,
        last_seen_at: now,
        idle_expires_at: later,
        absolute_expires_at: later,
        ip: '127.0.0.1',
        user_agent: 'bench --sessions',
      }));
      // One transaction per batch: a long single one would hold SQLite's write lock (and the
      // server's own writes) for the whole fill.
      await db.transaction((trx) => trx.batchInsert('sessions', rows, 500));
      made += rows.length;
    }
    log(`sessions table: ${total} rows (${Math.max(0, total - present)} added in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if ('url' in database) await settle(db, log);
  } finally {
    await db.destroy();
  }
}

const SETTLE_MS = 180_000;
const QUIET_WRITES_PER_SECOND = 20;

/**
 * InnoDB writes a bulk insert's pages and purges its undo log in the background for minutes
 * afterwards, on the cores and disk the load runs on: the measurement waits until the server's
 * data-file writes fall below 20 a second over a 2-second sample (or three minutes pass, which the
 * log says).
 */
async function settle(db: ReturnType<typeof openDatabase>, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const writes = async () => {
    const [rows] = (await db.raw("show global status like 'Innodb_data_writes'")) as [{ Value: string }[]];
    return Number(rows[0]?.Value ?? 0);
  };
  let rate = Infinity;
  let before = await writes();
  while (rate >= QUIET_WRITES_PER_SECOND && Date.now() - started < SETTLE_MS) {
    await new Promise((r) => setTimeout(r, 2000));
    const now = await writes();
    rate = (now - before) / 2;
    before = now;
  }
  log(`InnoDB settled after ${((Date.now() - started) / 1000).toFixed(0)} s (${rate.toFixed(0)} data-file writes a second)`);
}
