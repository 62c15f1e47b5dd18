import type { Knex } from 'knex';
import type { LoginSession, LoginSessionKind, LoginSessionStatus, NewLoginSession, NewPortalCode, PortalCode, PortalCodePurpose, PortalRepository } from '../../core/faces/portal/ports.js';
import { toDate, toDateOrNull, toNumberOrNull } from '../values.js';

interface DbLoginSessionRow {
  id: number;
  session_hash: string;
  account_id: number | null;
  email: string;
  organization_id: number | null;
  kind: string;
  code_hash: string | null;
  attempts: number;
  status: string;
  created_at: unknown;
  expires_at: unknown;
  handed_out_at: unknown;
}

interface DbCodeRow {
  id: number;
  purpose: string;
  code_hash: string;
  account_id: number;
  organization_id: number | null;
  actor_account_id: number | null;
  expires_at: unknown;
  used_at: unknown;
}

function toLoginSession(row: DbLoginSessionRow): LoginSession {
  return {
    id: Number(row.id),
    accountId: toNumberOrNull(row.account_id),
    email: row.email,
    organizationId: toNumberOrNull(row.organization_id),
    kind: row.kind as LoginSessionKind,
    codeHash: row.code_hash,
    attempts: Number(row.attempts),
    status: row.status as LoginSessionStatus,
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
    handedOutAt: toDateOrNull(row.handed_out_at),
  };
}

function toCode(row: DbCodeRow): PortalCode {
  return {
    id: Number(row.id),
    purpose: row.purpose as PortalCodePurpose,
    accountId: Number(row.account_id),
    organizationId: toNumberOrNull(row.organization_id),
    actorAccountId: toNumberOrNull(row.actor_account_id),
    expiresAt: toDate(row.expires_at),
    usedAt: toDateOrNull(row.used_at),
  };
}

export class KnexPortalRepository implements PortalRepository {
  constructor(private readonly db: Knex) {}

  async insertLoginSession(s: NewLoginSession): Promise<void> {
    await this.db('portal_login_sessions').insert({
      session_hash: s.sessionHash,
      account_id: s.accountId,
      email: s.email,
      organization_id: s.organizationId,
      kind: s.kind,
      client_id: s.clientId,
      code_hash: s.codeHash,
      attempts: 0,
      status: 'pending',
      created_at: s.at,
      expires_at: s.expiresAt,
      ip: s.ip,
      user_agent: s.userAgent?.slice(0, 512) ?? null,
    });
  }

  async findLoginSession(sessionHash: string): Promise<LoginSession | undefined> {
    const row = await this.db<DbLoginSessionRow>('portal_login_sessions').where({ session_hash: sessionHash }).first();
    return row ? toLoginSession(row) : undefined;
  }

  async latestPendingLoginSession(accountId: number, now: Date): Promise<LoginSession | undefined> {
    const row = await this.db<DbLoginSessionRow>('portal_login_sessions').where({ account_id: accountId, status: 'pending' }).where('expires_at', '>', now).orderBy('id', 'desc').first();
    return row ? toLoginSession(row) : undefined;
  }

  async recordWrongCode(id: number, maxAttempts: number): Promise<void> {
    await this.db('portal_login_sessions').where({ id }).increment('attempts', 1);
    await this.db('portal_login_sessions').where({ id }).where('attempts', '>=', maxAttempts).update({ code_hash: null });
  }

  async decide(id: number, status: 'approved' | 'rejected' | 'completed', now: Date): Promise<boolean> {
    const changes = { status, decided_at: now, ...(status === 'completed' ? { handed_out_at: now, code_hash: null } : {}) };
    return (await this.db('portal_login_sessions').where({ id, status: 'pending' }).where('expires_at', '>', now).update(changes)) === 1;
  }

  async handOut(id: number, now: Date): Promise<boolean> {
    return (await this.db('portal_login_sessions').where({ id, status: 'approved' }).whereNull('handed_out_at').where('expires_at', '>', now).update({ handed_out_at: now })) === 1;
  }

  async notePoll(id: number, now: Date, minIntervalMs: number): Promise<boolean> {
    const earliest = new Date(now.getTime() - minIntervalMs);
    const changed = await this.db('portal_login_sessions')
      .where({ id })
      .where((q) => q.whereNull('last_polled_at').orWhere('last_polled_at', '<=', earliest))
      .update({ last_polled_at: now });
    return changed === 1;
  }

  async expireLoginSessions(who: number | string, now: Date): Promise<number> {
    return this.db('portal_login_sessions')
      .where(typeof who === 'number' ? { account_id: who } : { email: who })
      .whereIn('status', ['pending', 'approved'])
      .whereNull('handed_out_at')
      .where('expires_at', '>', now)
      .update({ expires_at: now, code_hash: null });
  }

  async insertCode(code: NewPortalCode): Promise<void> {
    await this.db('portal_codes').insert({
      purpose: code.purpose,
      code_hash: code.codeHash,
      account_id: code.accountId,
      organization_id: code.organizationId,
      actor_account_id: code.actorAccountId,
      created_at: code.at,
      expires_at: code.expiresAt,
      used_at: null,
    });
  }

  async findCode(purpose: PortalCodePurpose, codeHash: string): Promise<PortalCode | undefined> {
    const row = await this.db<DbCodeRow>('portal_codes').where({ purpose, code_hash: codeHash }).first();
    return row ? toCode(row) : undefined;
  }

  async consumeCode(id: number, now: Date): Promise<boolean> {
    // Single use: of two concurrent redemptions exactly one changes the row (on any instance).
    return (await this.db('portal_codes').where({ id }).whereNull('used_at').where('expires_at', '>', now).update({ used_at: now })) === 1;
  }

  async expireCodes(accountId: number, purpose: PortalCodePurpose, now: Date): Promise<number> {
    return this.db('portal_codes').where({ account_id: accountId, purpose }).whereNull('used_at').where('expires_at', '>', now).update({ expires_at: now });
  }
}
