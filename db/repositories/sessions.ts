import type { Knex } from 'knex';
import type { Account, Session, SessionKind, SessionSource } from '../../core/kernel/model.js';
import { accountFromPrefixed, prefixedAccountColumns } from './accounts.js';
import type { NewSession, SessionRepository } from '../../core/kernel/ports.js';
import { PreparedLookup } from '../prepared.js';
import { toCount, toDate, toDateOrNull } from '../values.js';

interface DbSessionRow {
  id: number;
  token_hash: string;
  account_id: number;
  kind: string;
  source: string;
  created_at: unknown;
  last_seen_at: unknown;
  idle_expires_at: unknown;
  absolute_expires_at: unknown;
  revoked_at: unknown;
}

/** What `toSession` reads: the hot lookup fetches these and not the hash, address or user agent. */
const SESSION_COLUMNS = ['id', 'account_id', 'kind', 'source', 'created_at', 'last_seen_at', 'idle_expires_at', 'absolute_expires_at', 'revoked_at'] as const satisfies readonly (keyof DbSessionRow)[];

function toSession(row: DbSessionRow): Session {
  return {
    id: Number(row.id),
    accountId: Number(row.account_id),
    kind: row.kind as SessionKind,
    source: row.source as SessionSource,
    createdAt: toDate(row.created_at),
    lastSeenAt: toDate(row.last_seen_at),
    idleExpiresAt: toDate(row.idle_expires_at),
    absoluteExpiresAt: toDate(row.absolute_expires_at),
    revokedAt: toDateOrNull(row.revoked_at),
  };
}


/**
 * One round trip for the hottest path (vouch runs it on every proxied request): the session, its
 * account and the account's roles. Account columns are prefixed to keep them apart.
 */
export function sessionWithAccount(db: Knex, tokenHash: string): Knex.QueryBuilder {
  return db('sessions as s')
    .join('accounts as a', 'a.id', 's.account_id')
    .select(...SESSION_COLUMNS.map((c) => `s.${c}`), ...prefixedAccountColumns(db, 'a'))
    .where('s.token_hash', tokenHash);
}

export class KnexSessionRepository implements SessionRepository {
  private readonly withAccount: PreparedLookup;

  constructor(private readonly db: Knex) {
    this.withAccount = new PreparedLookup(db, sessionWithAccount);
  }

  async insert(session: NewSession): Promise<Session> {
    await this.db('sessions').insert({
      token_hash: session.tokenHash,
      account_id: session.accountId,
      kind: session.kind,
      source: session.source,
      created_at: session.at,
      last_seen_at: session.at,
      idle_expires_at: session.idleExpiresAt,
      absolute_expires_at: session.absoluteExpiresAt,
      revoked_at: null,
      ip: session.ip,
      user_agent: session.userAgent?.slice(0, 255) ?? null,
    });
    const row = await this.db<DbSessionRow>('sessions').where({ token_hash: session.tokenHash }).first();
    if (!row) throw new Error('inserted session not found');
    return toSession(row);
  }

  async findWithAccount(tokenHash: string): Promise<{ session: Session; account: Account } | undefined> {
    const row = await this.withAccount.first(tokenHash);
    if (!row) return undefined;
    return { session: toSession(row as unknown as DbSessionRow), account: accountFromPrefixed(row) };
  }

  async findByTokenHash(tokenHash: string): Promise<Session | undefined> {
    const row = await this.db<DbSessionRow>('sessions').where({ token_hash: tokenHash }).first();
    return row ? toSession(row) : undefined;
  }

  async touch(id: number, lastSeenAt: Date, idleExpiresAt: Date): Promise<void> {
    await this.db('sessions').where({ id }).whereNull('revoked_at').update({ last_seen_at: lastSeenAt, idle_expires_at: idleExpiresAt });
  }

  async revoke(id: number, at: Date): Promise<void> {
    await this.db('sessions').where({ id }).whereNull('revoked_at').update({ revoked_at: at });
  }

  async revokeAllForAccount(accountId: number, at: Date, options: { kind?: SessionKind; keepId?: number } = {}): Promise<number> {
    const query = this.db('sessions').where({ account_id: accountId }).whereNull('revoked_at');
    if (options.kind) query.andWhere({ kind: options.kind });
    if (options.keepId !== undefined) query.andWhereNot({ id: options.keepId });
    return query.update({ revoked_at: at });
  }

  async countActive(kind: SessionKind, now: Date): Promise<number> {
    const row = await this.db('sessions')
      .where({ kind })
      .whereNull('revoked_at')
      .andWhere('idle_expires_at', '>', now)
      .andWhere('absolute_expires_at', '>', now)
      .count({ n: '*' })
      .first();
    return toCount(row?.n);
  }

  async deleteEnded(kind: SessionKind, now: Date): Promise<number> {
    return this.db('sessions')
      .where({ kind })
      .andWhere((q) => q.whereNotNull('revoked_at').orWhere('idle_expires_at', '<=', now).orWhere('absolute_expires_at', '<=', now))
      .delete();
  }
}
