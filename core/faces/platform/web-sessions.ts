import type { Auditor, RequestMeta } from '../../kernel/audit.js';
import type { Clock } from '../../clock.js';
import { GatehouseError } from '../../errors.js';
import type { Account, SessionSource } from '../../kernel/model.js';
import type { Store } from '../../kernel/ports.js';
import { signOutEverywhere, type LiveSession, type SessionService, type SessionSettings } from '../../kernel/sessions.js';

/** Counter names; rows in the shared `counters` table, so every instance reports the same. */
export const WEB_SESSION_COUNTERS = {
  created: 'web_sessions.created_total',
  resolved: 'web_sessions.resolved_total',
  resolveFailed: 'web_sessions.resolve_failed_total',
  revoked: 'web_sessions.revoked_total',
  revokedAll: 'web_sessions.revoked_all_total',
  reaped: 'web_sessions.reaped_total',
} as const;

export interface WebSessionStats {
  active_sessions: number;
  idle_ttl_seconds: number;
  absolute_ttl_seconds: number;
  created_total: number;
  resolved_total: number;
  resolve_failed_total: number;
  revoked_total: number;
  revoked_all_total: number;
  reaped_total: number;
}

/**
 * The platform web UI's sessions (`ui_session`): Gatehouse sessions of kind `platform-ui`, with
 * the original's counters kept in the database instead of process memory.
 */
export class WebSessionService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
    private readonly sessions: SessionService,
    private readonly settings: SessionSettings & { enabled: boolean },
  ) {}

  /** 503 `web session service unavailable` when web sessions are switched off in config. */
  assertEnabled(): void {
    if (!this.settings.enabled) throw new GatehouseError('unavailable', { message: 'web session service unavailable' });
  }

  async start(account: Account, source: SessionSource, meta: RequestMeta): Promise<{ token: string; expiresAt: Date }> {
    this.assertEnabled();
    const { token, session } = await this.sessions.start(account, 'platform-ui', source, meta);
    await this.store.counters.increment(WEB_SESSION_COUNTERS.created);
    return { token, expiresAt: session.absoluteExpiresAt };
  }

  async resolve(token: string | undefined): Promise<LiveSession | undefined> {
    const live = token ? await this.sessions.resolve(token, 'platform-ui') : undefined;
    await this.store.counters.increment(live ? WEB_SESSION_COUNTERS.resolved : WEB_SESSION_COUNTERS.resolveFailed);
    return live;
  }

  /** Ends one web-UI session; a cookie of another face's session, or an ended one, changes nothing. */
  async logout(token: string, meta: RequestMeta): Promise<void> {
    const live = await this.sessions.resolve(token, 'platform-ui');
    if (!live) return;
    await this.store.sessions.revoke(live.session.id, this.clock.now());
    await this.store.counters.increment(WEB_SESSION_COUNTERS.revoked);
    await this.auditor.record(this.store.audit, meta, { accountId: live.account.id, level: 'info', module: 'auth:platform', message: 'AUTH_WEB_SESSION_LOGOUT' });
  }

  /**
   * Signs the account out everywhere: every browser session of every face and every access and
   * refresh token (the original left its 24-hour JWTs valid). API keys are separate credentials.
   */
  async revokeAll(principalId: string, by: Account, meta: RequestMeta): Promise<void> {
    const account = await this.store.accounts.findByUuid(principalId.trim().toLowerCase());
    if (!account) throw new GatehouseError('not_found', { message: 'principal not found' });
    await this.store.transaction((tx) => signOutEverywhere(tx, account.id, this.clock.now()));
    await this.store.counters.increment(WEB_SESSION_COUNTERS.revokedAll);
    await this.auditor.record(this.store.audit, meta, { accountId: account.id, level: 'info', module: 'auth:platform', message: `AUTH_WEB_SESSION_REVOKE_ALL by ${by.uuid}` });
  }

  async stats(): Promise<WebSessionStats> {
    const counters = await this.store.counters.read(Object.values(WEB_SESSION_COUNTERS));
    return {
      active_sessions: await this.store.sessions.countActive('platform-ui', this.clock.now()),
      idle_ttl_seconds: this.settings.idleSeconds,
      absolute_ttl_seconds: this.settings.absoluteSeconds,
      created_total: counters[WEB_SESSION_COUNTERS.created]!,
      resolved_total: counters[WEB_SESSION_COUNTERS.resolved]!,
      resolve_failed_total: counters[WEB_SESSION_COUNTERS.resolveFailed]!,
      revoked_total: counters[WEB_SESSION_COUNTERS.revoked]!,
      revoked_all_total: counters[WEB_SESSION_COUNTERS.revokedAll]!,
      reaped_total: counters[WEB_SESSION_COUNTERS.reaped]!,
    };
  }

  /** Deletes ended web sessions; any instance may run it, the count is shared. */
  async reap(): Promise<number> {
    const deleted = await this.store.sessions.deleteEnded('platform-ui', this.clock.now());
    if (deleted) await this.store.counters.increment(WEB_SESSION_COUNTERS.reaped, deleted);
    return deleted;
  }
}
