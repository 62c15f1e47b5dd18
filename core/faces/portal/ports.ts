/** The portal face's domain objects and the storage its rules need (db/repositories/portal.ts). */

import type { Membership, Organization } from '../../kernel/model.js';

export type { Membership, Organization };

export type LoginSessionStatus = 'pending' | 'approved' | 'rejected' | 'completed';
export type LoginSessionKind = 'password-2fa' | 'magic-code';

/** A sign-in waiting for its second factor (an emailed code, TOTP, or a push approval). */
export interface LoginSession {
  id: number;
  /** null for the decoy answered to an unknown email */
  accountId: number | null;
  email: string;
  organizationId: number | null;
  kind: LoginSessionKind;
  codeHash: string | null;
  attempts: number;
  status: LoginSessionStatus;
  createdAt: Date;
  expiresAt: Date;
  handedOutAt: Date | null;
}

export interface NewLoginSession {
  sessionHash: string;
  accountId: number | null;
  email: string;
  organizationId: number | null;
  kind: LoginSessionKind;
  clientId: string | null;
  codeHash: string | null;
  at: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

export type PortalCodePurpose = 'cli-exchange' | 'password-reset';

export interface PortalCode {
  id: number;
  purpose: PortalCodePurpose;
  accountId: number;
  organizationId: number | null;
  actorAccountId: number | null;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface NewPortalCode {
  purpose: PortalCodePurpose;
  codeHash: string;
  accountId: number;
  organizationId: number | null;
  actorAccountId: number | null;
  at: Date;
  expiresAt: Date;
}

export interface PortalRepository {
  insertLoginSession(session: NewLoginSession): Promise<void>;
  findLoginSession(sessionHash: string): Promise<LoginSession | undefined>;
  /** the account's newest pending, unexpired login session */
  latestPendingLoginSession(accountId: number, now: Date): Promise<LoginSession | undefined>;
  /** counts a wrong code; burns the code (code_hash = NULL) once `maxAttempts` is reached */
  recordWrongCode(id: number, maxAttempts: number): Promise<void>;
  /**
   * `UPDATE … SET status = ? WHERE id = ? AND status = 'pending' AND expires_at > now`: one
   * decision wins even when approve, reject and a code race. Completion also marks the hand-out.
   */
  decide(id: number, status: 'approved' | 'rejected' | 'completed', now: Date): Promise<boolean>;
  /** `UPDATE … SET handed_out_at = ? WHERE status = 'approved' AND handed_out_at IS NULL`: tokens go out once */
  handOut(id: number, now: Date): Promise<boolean>;
  /** records a poll unless the previous one was less than `minIntervalMs` ago (then false) */
  notePoll(id: number, now: Date, minIntervalMs: number): Promise<boolean>;
  /**
   * ends the undecided or unhanded login sessions of the account (a number) or of every sign-in
   * started for the email (a string: the same statement for known and unknown addresses)
   */
  expireLoginSessions(who: number | string, now: Date): Promise<number>;

  insertCode(code: NewPortalCode): Promise<void>;
  findCode(purpose: PortalCodePurpose, codeHash: string): Promise<PortalCode | undefined>;
  /** `UPDATE … SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > now` */
  consumeCode(id: number, now: Date): Promise<boolean>;
  /** ends the account's unused codes of the purpose (a new reset link voids the earlier ones) */
  expireCodes(accountId: number, purpose: PortalCodePurpose, now: Date): Promise<number>;
}
