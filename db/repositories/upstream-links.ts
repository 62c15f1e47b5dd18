import type { Knex } from 'knex';
import type { UpstreamLinkRepository } from '../../core/kernel/ports.js';

/** account_links: which account an upstream identity (issuer, subject) signs in as. */
export class KnexUpstreamLinkRepository implements UpstreamLinkRepository {
  constructor(private readonly db: Knex) {}

  async findLinkedAccountId(issuer: string, subject: string): Promise<number | undefined> {
    const row = await this.db('account_links').where({ issuer, subject }).first('account_id');
    return row ? Number(row.account_id) : undefined;
  }

  async link(issuer: string, subject: string, accountId: number, at: Date): Promise<void> {
    await this.db('account_links').insert({ issuer, subject, account_id: accountId, created_at: at });
  }
}
