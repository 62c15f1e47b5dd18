import type { Knex } from 'knex';
import type { AuditLevel, AuditRecord, MailMessage } from '../../core/kernel/model.js';
import type { AuditRepository, LoginAttemptRepository, MailOutboxRepository } from '../../core/kernel/ports.js';
import { toDate } from '../values.js';

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
    return rows.map((r) => ({
      accountId: r.account_id === null ? null : Number(r.account_id),
      at: toDate(r.at),
      level: r.level as AuditLevel,
      module: r.module,
      message: r.message,
      requestId: r.request_id,
      ip: r.ip,
    }));
  }
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
}
