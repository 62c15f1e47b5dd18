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
