import type { Knex } from 'knex';
import type { IdTokenUseRepository } from '../../core/faces/mgmt/ports.js';
import { translateDbError } from '../errors.js';

export class KnexIdTokenUseRepository implements IdTokenUseRepository {
  constructor(private readonly db: Knex) {}

  async claim(tokenKey: string, expiresAt: Date, at: Date): Promise<boolean> {
    try {
      await this.db('upstream_id_token_uses').insert({ token_key: tokenKey, used_at: at, expires_at: expiresAt });
      return true;
    } catch (error) {
      // The primary key decides between concurrent presentations: the loser is the replay.
      if (translateDbError(error).code === 'conflict') return false;
      throw error;
    }
  }

  async prune(before: Date): Promise<void> {
    await this.db('upstream_id_token_uses').where('expires_at', '<', before).delete();
  }
}
