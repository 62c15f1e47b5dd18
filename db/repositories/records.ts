import type { Knex } from 'knex';
import type { AuditLevel, AuditRecord, MailMessage } from '../../core/kernel/model.js';
import type { AuditEntry, AuditQuery, AuditRepository, LoginAttemptRepository, MailOutboxRepository, OutboxMessage } from '../../core/kernel/ports.js';
import { toCount, toDate } from '../values.js';

interface DbAuditRow {
  account_id: number | null;
  at: unknown;
  level: string;
  module: string;
  message: string;
  request_id: string | null;
  ip: string | null;
}

export class KnexAuditRepository implements AuditRepository {
  constructor(private readonly db: Knex) {}

  async append(record: AuditRecord): Promise<void> {
    await this.db('audit_records').insert({
      account_id: record.accountId,
      at: record.at,
      level: record.level,
      module: record.module,
      message: record.message.slice(0, 1000),
      request_id: record.requestId,
      ip: record.ip,
    });
  }

  async listForAccount(accountId: number, offset: number, limit: number): Promise<AuditRecord[]> {
    const rows = await this.db<DbAuditRow>('audit_records')
      .where({ account_id: accountId })
      .orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }])
      .offset(offset)
      .limit(limit);
    return rows.map(toRecord);
  }

  async search(query: AuditQuery, offset: number, limit: number): Promise<{ total: number; items: AuditEntry[] }> {
    const matching = () => {
      const q = this.db('audit_records as r');
      if (query.accountId !== undefined) q.where('r.account_id', query.accountId);
      if (query.module !== undefined) q.where('r.module', query.module);
      if (query.since) q.where('r.at', '>=', query.since);
      if (query.until) q.where('r.at', '<', query.until);
      return q;
    };
    const total = toCount((await matching().count({ n: '*' }).first())?.n);
    if (total <= offset) return { total, items: [] };
    const rows = (await matching()
      .leftJoin('accounts as a', 'a.id', 'r.account_id')
      .select('r.*', 'a.uuid as account_uuid', 'a.username as account_username')
      .orderBy([{ column: 'r.at', order: 'desc' }, { column: 'r.id', order: 'desc' }])
      .offset(offset)
      .limit(limit)) as (DbAuditRow & { account_uuid: string | null; account_username: string | null })[];
    return { total, items: rows.map((r) => ({ ...toRecord(r), account: r.account_uuid ? { uuid: r.account_uuid, username: r.account_username! } : null })) };
  }
}

function toRecord(r: DbAuditRow): AuditRecord {
  return {
    accountId: r.account_id === null ? null : Number(r.account_id),
    at: toDate(r.at),
    level: r.level as AuditLevel,
    module: r.module,
    message: r.message,
    requestId: r.request_id,
    ip: r.ip,
  };
}

export class KnexLoginAttemptRepository implements LoginAttemptRepository {
  constructor(private readonly db: Knex) {}

  async record(attempt: { scope: 'user' | 'ip'; key: string; success: boolean; reason: string; at: Date }): Promise<void> {
    await this.db('login_attempts').insert({
      scope: attempt.scope,
      attempt_key: attempt.key.slice(0, 191),
      success: attempt.success,
      reason: attempt.reason,
      at: attempt.at,
    });
  }
}

/** A message that names no expiry (an e-mail verification link) keeps a day. */
const DEFAULT_KEEP_MS = 24 * 3600 * 1000;

export class KnexMailOutboxRepository implements MailOutboxRepository {
  constructor(private readonly db: Knex) {}

  /** Also deletes the rows whose secrets have expired: the outbox never keeps a live link longer than it lives. */
  async insert(message: MailMessage, at: Date): Promise<void> {
    const expiresAt = message.expiresAt ?? new Date(at.getTime() + DEFAULT_KEEP_MS);
    await this.db('mail_outbox').insert({ recipient: message.to, subject: message.subject.slice(0, 255), body: message.text, created_at: at, expires_at: expiresAt });
    await this.db('mail_outbox').where('expires_at', '<=', at).delete();
  }

  async list(to: string | undefined, now: Date, offset: number, limit: number): Promise<{ total: number; items: OutboxMessage[] }> {
    const matching = () => {
      const q = this.db('mail_outbox').where('expires_at', '>', now);
      if (to !== undefined) q.whereRaw('lower(recipient) = ?', [to.toLowerCase()]);
      return q;
    };
    const total = toCount((await matching().count({ n: '*' }).first())?.n);
    if (total <= offset) return { total, items: [] };
    const rows = (await matching()
      .select('recipient', 'subject', 'body', 'created_at')
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])
      .offset(offset)
      .limit(limit)) as { recipient: string; subject: string; body: string; created_at: unknown }[];
    return { total, items: rows.map((r) => ({ to: r.recipient, subject: r.subject, text: r.body, createdAt: toDate(r.created_at) })) };
  }
}
