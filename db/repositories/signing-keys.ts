import type { Knex } from 'knex';
import type { SigningKeyRecord } from '../../core/kernel/oauth2/model.js';
import type { SigningKeyRepository } from '../../core/kernel/ports.js';
import { toDate, toDateOrNull } from '../values.js';

interface DbSigningKeyRow {
  kid: string;
  alg: string;
  public_jwk: string;
  private_jwk: string;
  created_at: unknown;
  retired_at: unknown;
}

function toRecord(row: DbSigningKeyRow): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg as SigningKeyRecord['alg'],
    publicJwk: row.public_jwk,
    privateJwkSealed: row.private_jwk,
    createdAt: toDate(row.created_at),
    retiredAt: toDateOrNull(row.retired_at),
  };
}

export class KnexSigningKeyRepository implements SigningKeyRepository {
  constructor(private readonly db: Knex) {}

  async insert(key: SigningKeyRecord): Promise<void> {
    await this.db('signing_keys').insert({
      kid: key.kid,
      alg: key.alg,
      public_jwk: key.publicJwk,
      private_jwk: key.privateJwkSealed,
      created_at: key.createdAt,
      retired_at: key.retiredAt,
    });
  }

  async listUsable(retiredAfter: Date): Promise<SigningKeyRecord[]> {
    const rows = await this.db<DbSigningKeyRow>('signing_keys')
      .where((q) => q.whereNull('retired_at').orWhere('retired_at', '>', retiredAfter))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc');
    return rows.map(toRecord);
  }

  async retireAllExcept(kids: readonly string[], at: Date): Promise<number> {
    return this.db('signing_keys').whereNotIn('kid', [...kids]).whereNull('retired_at').update({ retired_at: at });
  }
}
