import type { Knex } from 'knex';
import type { GuessBucket, GuessBudgetRepository, GuessReservation, SettledGuess } from '../../core/kernel/ports.js';
import { dialectOf } from '../connect.js';
import { mysqlLockedStep, type MysqlStep } from '../mysql-connection.js';
import { PreparedWrite } from '../prepared.js';
import { sqliteLockedStep } from '../sqlite-step.js';
import { toDate } from '../values.js';

/**
 * Reservations by conditional UPDATE: the row lock (InnoDB) or the single writer (SQLite) makes
 * the `used < limit` test and the increment one step, so of N parallel guesses exactly
 * `limit - used` get an affected row and the rest get none.
 */
export class KnexGuessBudgetRepository implements GuessBudgetRepository {
  // Every login, client authentication and secret check runs these: prepared statements. A
  // reservation spends from one or two buckets (the subject's, the address's), and a success
  // gives both back in one statement.
  readonly #take: PreparedWrite<[string, Date, number]>;
  readonly #refundOne: PreparedWrite<[string]>;
  readonly #refundTwo: PreparedWrite<[string, string]>;

  constructor(private readonly db: Knex) {
    // Counters: a power cut (never a crash of the process) may lose their last few counts, and a
    // budget then allows those guesses again in its window; a guesser cannot arrange a power cut.
    // These commits need not wait for the disk (PreparedWrite).
    const counter = { syncToDisk: false };
    this.#take = new PreparedWrite(db, (q, bucket, floor, limit) => q('guess_budgets').where('bucket', bucket).andWhere('window_started_at', '>', floor).andWhere('used', '<', limit).increment('used', 1), counter);
    this.#refundOne = new PreparedWrite(db, (q, bucket) => q('guess_budgets').where('bucket', bucket).andWhere('used', '>', 0).decrement('used', 1), counter);
    this.#refundTwo = new PreparedWrite(db, (q, a, b) => q('guess_budgets').whereIn('bucket', [a, b]).andWhere('used', '>', 0).decrement('used', 1), counter);
  }

  async reserve(bucket: string, limit: number, now: Date, windowFloor: Date): Promise<GuessReservation> {
    const take = () => this.#take.run(bucket, windowFloor, limit);
    // Most guesses find their bucket's row: one statement. A new bucket gets its row first.
    if ((await take()) === 1) return { reserved: true };
    await this.db('guess_budgets').insert({ bucket, window_started_at: now, used: 0 }).onConflict('bucket').ignore();
    if ((await take()) === 1) return { reserved: true };
    // The window ended: the first guess after it starts the next one.
    const renewed = await this.db('guess_budgets').where('bucket', bucket).andWhere('window_started_at', '<=', windowFloor).update({ window_started_at: now, used: 1 });
    if (renewed === 1) return { reserved: true };
    // Another guess renewed the window between our two statements: this one belongs to the new
    // window (without this, guesses arriving together at a window's end were refused with 429).
    if ((await take()) === 1) return { reserved: true };
    const row = await this.db('guess_budgets').where('bucket', bucket).first('window_started_at');
    return { reserved: false, windowStartedAt: row ? toDate(row.window_started_at) : now };
  }

  /**
   * One step in which the buckets are read, the secret checked and a wrong guess counted, so
   * parallel guesses, from this process or another, are checked one at a time against what the
   * others spent; a right guess changes nothing. SQLite: under the file's write lock
   * (`sqliteLockedStep`). MySQL/MariaDB: in a transaction that reads the buckets `for update`
   * (`mysqlLockedStep`), so a right guess costs one locked read and a commit without a log flush,
   * where reserving and refunding apart took three commits that each waited for one (introspection
   * on MariaDB: 1 150 → 1 340 requests/s in the bench). A bucket without its row, or past its
   * window, is left to the reservation apart (undefined), which makes or renews rows: a locked read
   * of a missing row holds a gap lock that parallel inserts deadlock on.
   */
  async settleAtOnce(buckets: readonly GuessBucket[], now: Date, windowFloor: Date, check: () => boolean): Promise<SettledGuess | undefined> {
    if (dialectOf(this.db) !== 'sqlite') return mysqlLockedStep(this.db, (step) => settleLocked(step, buckets, windowFloor, check));
    return sqliteLockedStep(this.db, (step) => {
      const current: boolean[] = [];
      for (const { bucket, limit } of buckets) {
        const row = step.get('select used, window_started_at, window_started_at > ? as current from guess_budgets where bucket = ?', windowFloor.valueOf(), bucket);
        const inWindow = Boolean(row?.current);
        if (inWindow && Number(row!.used) >= limit) return { refused: { bucket, limit, windowStartedAt: toDate(row!.window_started_at) } };
        current.push(inWindow);
      }
      const right = check();
      if (!right) {
        buckets.forEach(({ bucket }, i) => {
          if (current[i]) step.run('update guess_budgets set used = used + 1 where bucket = ?', bucket);
          // No row, or its window ended: this guess starts the next window.
          else step.run('insert into guess_budgets (bucket, window_started_at, used) values (?, ?, 1) on conflict (bucket) do update set window_started_at = excluded.window_started_at, used = 1', bucket, now.valueOf());
        });
      }
      return { right };
    });
  }

  async refund(buckets: readonly string[]): Promise<void> {
    // Two at a time (a reservation's buckets are distinct: the subject's and the address's).
    for (let i = 0; i < buckets.length; i += 2) {
      const [first, second] = [buckets[i]!, buckets[i + 1]];
      await (second === undefined ? this.#refundOne.run(first) : this.#refundTwo.run(first, second));
    }
  }

  async clear(bucket: string): Promise<void> {
    await this.db('guess_budgets').where('bucket', bucket).delete();
  }

  async used(bucket: string): Promise<number> {
    const row = await this.db('guess_budgets').where('bucket', bucket).first('used');
    return Number(row?.used ?? 0);
  }
}

/** `settleAtOnce` on MySQL/MariaDB: the buckets' rows locked, then the secret checked. */
async function settleLocked(step: MysqlStep, buckets: readonly GuessBucket[], windowFloor: Date, check: () => boolean): Promise<SettledGuess | undefined> {
  const names = buckets.map((b) => b.bucket);
  const list = names.map(() => '?').join(', ');
  // In index order, as every statement that locks two buckets takes them: no lock cycles.
  const rows = await step.all(`select bucket, used, window_started_at, window_started_at > ? as in_window from guess_budgets where bucket in (${list}) order by bucket for update`, windowFloor, ...names);
  let ownStep = true;
  for (const { bucket, limit } of buckets) {
    const row = rows.find((r) => r.bucket === bucket);
    const inWindow = Boolean(Number(row?.in_window ?? 0));
    if (inWindow && Number(row!.used) >= limit) return { refused: { bucket, limit, windowStartedAt: toDate(row!.window_started_at) } };
    if (!inWindow) ownStep = false;
  }
  if (!ownStep) return undefined;
  const right = check();
  if (!right) await step.run(`update guess_budgets set used = used + 1 where bucket in (${list})`, ...names);
  return { right };
}
