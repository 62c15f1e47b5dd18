import type { RequestMeta } from '../../kernel/audit.js';
import { GatehouseError } from '../../errors.js';
import type { Kernel } from '../../kernel/index.js';
import type { Account, SessionSource } from '../../kernel/model.js';
import type { LiveSession, SessionSettings } from '../../kernel/sessions.js';
import type { CounterRepository } from './ports.js';

/** Which kind of session the web UI's cookie holds (kernel sessions are per face). */
export const WEB_UI_SESSION = 'platform-ui';

/** Counter names; rows in the shared `counters` table, so every instance reports the same. */
export const WEB_SESSION_COUNTERS = {
  created: 'web_sessions.created_total',
  resolved: 'web_sessions.resolved_total',
  resolveFailed: 'web_sessions.resolve_failed_total',
  revoked: 'web_sessions.revoked_total',
  revokedAll: 'web_sessions.revoked_all_total',
  reaped: 'web_sessions.reaped_total',
} as const;

/** The original's counters, kept in the database so every instance reports the same. */
export interface WebSessionStats {
  active: number;
  counters: Record<keyof typeof WEB_SESSION_COUNTERS, number>;
}

/**
 * The platform web UI's sessions (`ui_session`): Gatehouse sessions of kind `platform-ui`, with
 * the original's counters kept in the database instead of process memory.
 */
export class WebSessionService {
  constructor(
    private readonly kernel: Kernel,
    private readonly counters: CounterRepository,
    private readonly settings: SessionSettings & { enabled: boolean },
  ) {}

  /** 503 `web session service unavailable` when web sessions are switched off in config. */
  assertEnabled(): void {
    if (!this.settings.enabled) throw new GatehouseError('unavailable', { message: 'web session service unavailable' });
  }

  /** A new web-UI session; `maxAgeSeconds` is what is left of it (the cookie's lifetime). */
  async start(account: Account, source: SessionSource, meta: RequestMeta): Promise<{ token: string; expiresAt: Date; maxAgeSeconds: number }> {
    this.assertEnabled();
    const { token, session } = await this.kernel.sessions.start(account, WEB_UI_SESSION, source, meta);
    await this.counters.increment(WEB_SESSION_COUNTERS.created);
    const maxAgeSeconds = Math.max(1, Math.floor((session.absoluteExpiresAt.getTime() - this.kernel.clock.now().getTime()) / 1000));
    return { token, expiresAt: session.absoluteExpiresAt, maxAgeSeconds };
  }

  async resolve(token: string | undefined): Promise<LiveSession | undefined> {
    const live = token ? await this.kernel.sessions.resolve(token, WEB_UI_SESSION) : undefined;
    await this.counters.increment(live ? WEB_SESSION_COUNTERS.resolved : WEB_SESSION_COUNTERS.resolveFailed);
    return live;
  }

  /** Ends one web-UI session; a cookie of another face's session, or an ended one, changes nothing. */
  async logout(token: string, meta: RequestMeta): Promise<void> {
    const live = await this.kernel.sessions.resolve(token, WEB_UI_SESSION);
    if (!live) return;
    await this.kernel.sessions.revoke(live.session);
    await this.counters.increment(WEB_SESSION_COUNTERS.revoked);
    await this.kernel.audit.record(meta, { accountId: live.account.id, level: 'info', module: 'auth:platform', message: 'AUTH_WEB_SESSION_LOGOUT' });
  }

  /**
   * Signs the account out everywhere: every browser session of every face and every access and
   * refresh token (the original left its 24-hour JWTs valid). API keys are separate credentials.
   */
  async revokeAll(principalId: string, by: Account, meta: RequestMeta): Promise<void> {
    const account = await this.kernel.accounts.byUuid(principalId);
    if (!account) throw new GatehouseError('not_found', { message: 'principal not found' });
    await this.kernel.accounts.signOutEverywhere(account);
    await this.counters.increment(WEB_SESSION_COUNTERS.revokedAll);
    await this.kernel.audit.record(meta, { accountId: account.id, level: 'info', module: 'auth:platform', message: `AUTH_WEB_SESSION_REVOKE_ALL by ${by.uuid}` });
  }

  async stats(): Promise<WebSessionStats> {
    const names = WEB_SESSION_COUNTERS;
    const values = await this.counters.read(Object.values(names));
    const counters = Object.fromEntries(Object.entries(names).map(([key, name]) => [key, values[name] ?? 0])) as WebSessionStats['counters'];
    return { active: await this.kernel.sessions.countActive(WEB_UI_SESSION), counters };
  }

  /** The lifetimes the stats report beside the counts. */
  get lifetimes(): SessionSettings {
    return { idleSeconds: this.settings.idleSeconds, absoluteSeconds: this.settings.absoluteSeconds };
  }

  /** Deletes ended web sessions; any instance may run it, the count is shared. */
  async reap(): Promise<number> {
    const deleted = await this.kernel.sessions.reap(WEB_UI_SESSION);
    if (deleted) await this.counters.increment(WEB_SESSION_COUNTERS.reaped, deleted);
    return deleted;
  }
}
