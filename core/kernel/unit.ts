import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { AuditTrail, type Auditor } from './audit.js';
import type { Account } from './model.js';
import type { KernelStore } from './ports.js';
import { signOutEverywhere } from './sessions.js';

/** A new password, checked against the rules and hashed before any transaction opens (hashing is slow). */
export interface PreparedPassword {
  readonly hash: string;
}

/**
 * What a face may do with the kernel's tables inside one unit of work it shares with its own
 * (a password reset consumes the portal's code and sets the account's password together; a service
 * credential and its service account are created together). Narrow on purpose: the kernel's rules
 * still decide, only the transaction is shared.
 */
export class KernelUnit {
  readonly audit: AuditTrail;

  constructor(
    private readonly store: KernelStore,
    private readonly clock: Clock,
    auditor: Auditor,
  ) {
    this.audit = new AuditTrail(store.audit, auditor);
  }

  account(id: number): Promise<Account | undefined> {
    return this.store.accounts.findById(id);
  }

  accountByEmail(email: string): Promise<Account | undefined> {
    return this.store.accounts.findByEmail(email);
  }

  setPassword(account: Account, password: PreparedPassword): Promise<void> {
    return this.store.accounts.setPassword(account.id, password.hash, this.clock.now());
  }

  /** Every browser session of every face and every grant of the account end here. */
  signOutEverywhere(account: Account): Promise<void> {
    return signOutEverywhere(this.store, account.id, this.clock.now());
  }

  /** An account without a password (no interactive sign-in): a service credential's service account. */
  createServiceAccount(email: string, displayName: string): Promise<Account> {
    return this.store.accounts.insert({ uuid: randomUUID(), username: email, email, displayName, passwordHash: null, isAdmin: false, roles: [], at: this.clock.now() });
  }

  deleteAccount(account: Pick<Account, 'id'>): Promise<void> {
    return this.store.accounts.delete(account.id);
  }
}
