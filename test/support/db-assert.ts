import type { Knex } from 'knex';

/** Rows of a table as plain objects, for assertions on what the service stored. */
export async function rows(db: Knex, table: string, where: Record<string, unknown> = {}, orderBy = 'id'): Promise<Record<string, unknown>[]> {
  return db(table).where(where).orderBy(orderBy);
}

export async function auditMessages(db: Knex, accountId: number): Promise<string[]> {
  const records = await db('audit_records').where({ account_id: accountId }).orderBy('id');
  return records.map((r: { message: string }) => r.message);
}

export async function accountRow(db: Knex, username: string): Promise<Record<string, unknown> | undefined> {
  return db('accounts').where({ username }).first();
}

/** Requests counted per rate-limit window, oldest window first: [bucket, hits]. */
export async function rateLimitWindows(db: Knex, bucket?: string): Promise<[string, number][]> {
  const query = db('rate_limit_hits').select('bucket', 'window_start').count({ hits: '*' }).groupBy('bucket', 'window_start').orderBy('window_start');
  if (bucket) query.where({ bucket });
  const counted = (await query) as unknown as { bucket: string; hits: string | number }[];
  return counted.map((r) => [r.bucket, Number(r.hits)]);
}
