import type { Clock } from '../clock.js';
import type { AuditLevel, AuditRecord } from './model.js';
import type { AuditEntry, AuditQuery, AuditRepository } from './ports.js';

/** Who caused an event: carried from the request into every audit row. */
export interface RequestMeta {
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export const NO_REQUEST: RequestMeta = { requestId: null, ip: null, userAgent: null };

export interface AuditEvent {
  accountId: number | null;
  level: AuditLevel;
  module: string;
  message: string;
}

/** The audit trail: append-only, one table for every face's security events. */
export class Auditor {
  constructor(
    private readonly clock: Clock,
  ) {}

  async record(repo: AuditRepository, meta: RequestMeta, event: AuditEvent): Promise<void> {
    await repo.append({ ...event, at: this.clock.now(), requestId: meta.requestId, ip: meta.ip });
  }
}

/** The audit trail over one store: what faces write their security events with. */
export class AuditTrail {
  constructor(
    private readonly repo: AuditRepository,
    private readonly auditor: Auditor,
  ) {}

  record(meta: RequestMeta, event: AuditEvent): Promise<void> {
    return this.auditor.record(this.repo, meta, event);
  }

  /** The same trail writing through a transaction's repository. */
  within(repo: AuditRepository): AuditTrail {
    return new AuditTrail(repo, this.auditor);
  }

  /** Records matching every condition, newest first, with the account each names (the admin face). */
  search(query: AuditQuery, offset: number, limit: number): Promise<{ total: number; items: AuditEntry[] }> {
    return this.repo.search(query, offset, limit);
  }

  /** The account's records, newest first (simple-auth's /account/audit). */
  forAccount(accountId: number, offset: number, limit: number): Promise<AuditRecord[]> {
    return this.repo.listForAccount(accountId, offset, limit);
  }
}
