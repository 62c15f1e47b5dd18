import type { Knex } from 'knex';
import type { OneTimePurpose, OneTimeToken, Stipulation } from '../../core/kernel/model.js';
import type { NewOneTimeToken, OneTimeTokenRepository, StipulationRepository } from '../../core/kernel/ports.js';
import { toCount, toDate, toDateOrNull } from '../values.js';

interface DbOneTimeTokenRow {
  id: number;
  purpose: string;
  token_hash: string;
  account_id: number;
  expires_at: unknown;
  used_at: unknown;
}

function toOneTimeToken(row: DbOneTimeTokenRow): OneTimeToken {
  return {
    id: Number(row.id),
    purpose: row.purpose as OneTimePurpose,
    accountId: Number(row.account_id),
    expiresAt: toDate(row.expires_at),
    usedAt: toDateOrNull(row.used_at),
  };
}

export class KnexOneTimeTokenRepository implements OneTimeTokenRepository {
  constructor(private readonly db: Knex) {}

  async insert(token: NewOneTimeToken): Promise<OneTimeToken> {
    await this.db('one_time_tokens').insert({
      purpose: token.purpose,
      token_hash: token.tokenHash,
      account_id: token.accountId,
      expires_at: token.expiresAt,
      used_at: null,
      created_at: token.at,
    });
    const row = await this.db<DbOneTimeTokenRow>('one_time_tokens').where({ purpose: token.purpose, token_hash: token.tokenHash }).first();
    if (!row) throw new Error('inserted token not found');
    return toOneTimeToken(row);
  }

  async findByHash(purpose: OneTimePurpose, tokenHash: string): Promise<OneTimeToken | undefined> {
    const row = await this.db<DbOneTimeTokenRow>('one_time_tokens').where({ purpose, token_hash: tokenHash }).first();
    return row ? toOneTimeToken(row) : undefined;
  }

  async consume(id: number, at: Date): Promise<boolean> {
    // Single use by conditional UPDATE + affected-rows check: of two concurrent redemptions,
    // exactly one sees 1 here.
    const changed = await this.db('one_time_tokens').where({ id }).whereNull('used_at').update({ used_at: at });
    return changed === 1;
  }
}

export class KnexStipulationRepository implements StipulationRepository {
  constructor(private readonly db: Knex) {}

  async insert(accountId: number, kind: Stipulation['kind'], tokenHash: string, at: Date): Promise<void> {
    await this.db('account_stipulations').insert({ account_id: accountId, kind, token_hash: tokenHash, created_at: at, satisfied_at: null });
  }

  async countOpen(accountId: number): Promise<number> {
    const row = await this.db('account_stipulations').where({ account_id: accountId }).whereNull('satisfied_at').count({ n: '*' }).first();
    return toCount(row?.n);
  }

  async satisfy(accountId: number, tokenHash: string, at: Date): Promise<boolean> {
    const changed = await this.db('account_stipulations')
      .where({ account_id: accountId, token_hash: tokenHash })
      .whereNull('satisfied_at')
      .update({ satisfied_at: at });
    return changed > 0;
  }
}
