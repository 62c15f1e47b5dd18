import { addSeconds, type Clock } from '../clock.js';
import { randomToken, sha256Hex } from '../crypto.js';
import type { Account, Session, SessionKind, SessionSource } from './model.js';
import type { KernelStore } from './ports.js';
import type { RequestMeta } from './audit.js';

export interface SessionSettings {
  idleSeconds: number;
  absoluteSeconds: number;
}

export interface LiveSession {
  session: Session;
  account: Account;
}

/**
 * Browser sessions for every face: an opaque 256-bit token in the cookie, only its SHA-256 in the
 * database, idle and absolute expiry, revocable one by one or per account on every instance.
 */
export class SessionService {
  constructor(
    private readonly store: KernelStore,
    private readonly clock: Clock,
    private readonly settings: SessionSettings,
  ) {}

  /** A new session (and so a new session id) on every login: no session fixation. */
  async start(account: Account, kind: SessionKind, source: SessionSource, meta: RequestMeta, store: KernelStore = this.store): Promise<{ token: string; session: Session }> {
    const token = randomToken(32);
    const now = this.clock.now();
    const absoluteExpiresAt = addSeconds(now, this.settings.absoluteSeconds);
    const session = await store.sessions.insert({
      tokenHash: sha256Hex(token),
      accountId: account.id,
      kind,
      source,
      at: now,
      idleExpiresAt: earliest(addSeconds(now, this.settings.idleSeconds), absoluteExpiresAt),
      absoluteExpiresAt,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    return { token, session };
  }

  /**
   * The live session behind a cookie value, or undefined when it is unknown, of another face,
   * revoked, expired, or its account is disabled. Checked in the database on every call, so a
   * revocation anywhere takes effect everywhere at once.
   */
  async resolve(token: string, kind: SessionKind): Promise<LiveSession | undefined> {
    if (!token || token.length > 128) return undefined;
    const found = await this.store.sessions.findWithAccount(sha256Hex(token));
    const now = this.clock.now();
    if (!found) return undefined;
    const { session, account } = found;
    if (session.kind !== kind || session.revokedAt) return undefined;
    if (session.idleExpiresAt <= now || session.absoluteExpiresAt <= now) return undefined;
    if (!account.active) return undefined;
    await this.slideIdleExpiry(session, now);
    return { session, account };
  }

  /** Ends one session (a logout); an ended one stays ended. */
  async revoke(session: Session): Promise<void> {
    await this.store.sessions.revoke(session.id, this.clock.now());
  }

  /** Sessions of the kind that are not revoked, idle-expired or past their absolute expiry. */
  countActive(kind: SessionKind): Promise<number> {
    return this.store.sessions.countActive(kind, this.clock.now());
  }

  /** Deletes the kind's revoked and expired sessions (the reaper); returns how many. */
  reap(kind: SessionKind): Promise<number> {
    return this.store.sessions.deleteEnded(kind, this.clock.now());
  }

  async end(token: string): Promise<Session | undefined> {
    const session = await this.store.sessions.findByTokenHash(sha256Hex(token));
    if (session && !session.revokedAt) await this.store.sessions.revoke(session.id, this.clock.now());
    return session;
  }


  /** Writes at most once per fifth of the idle time, so resolving stays a read on the hot path. */
  private async slideIdleExpiry(session: Session, now: Date): Promise<void> {
    const interval = Math.max(this.settings.idleSeconds / 5, 60) * 1000;
    if (now.getTime() - session.lastSeenAt.getTime() < interval) return;
    const idleExpiresAt = earliest(addSeconds(now, this.settings.idleSeconds), session.absoluteExpiresAt);
    await this.store.sessions.touch(session.id, now, idleExpiresAt);
    session.lastSeenAt = now;
    session.idleExpiresAt = idleExpiresAt;
  }
}

function earliest(a: Date, b: Date): Date {
  return a < b ? a : b;
}

/**
 * Signs an account out everywhere, in the caller's transaction: every browser session of every
 * face (except `keepSessionId`, the one making the change) and every OAuth2 grant, so every access
 * and refresh token dies with it on every instance. Password changes and resets, and revoke-all,
 * all mean this; a stolen session or token must not survive them.
 */
export async function signOutEverywhere(store: KernelStore, accountId: number, at: Date, keepSessionId?: number): Promise<void> {
  await store.sessions.revokeAllForAccount(accountId, at, keepSessionId === undefined ? {} : { keepId: keepSessionId });
  await store.oauth2.revokeGrantsFor(accountId, undefined, at);
}
