import { randomUUID } from 'node:crypto';
import type { Auditor, RequestMeta } from './audit.js';
import type { Clock } from '../clock.js';
import { GatehouseError } from '../errors.js';
import type { Account } from './model.js';
import type { KernelStore } from './ports.js';
import { normalizeEmail, normalizeUsername, type CredentialRules } from './rules.js';

export interface UpstreamIdentity {
  issuer: string;
  subject: string;
  email?: string | undefined;
  emailVerified: boolean;
  preferredUsername?: string | undefined;
  name?: string | undefined;
}

/**
 * The account an upstream identity signs in as: the one already linked to (issuer, sub); else
 * the account with the same email, only when the issuer says the email is verified (an
 * unverified email would let anyone who registers it upstream take over the local account);
 * else a new account without a password. Shared by every face with an upstream login (the
 * platform web UI's OpenID provider, the mgmt face's Okta); `module` names the face in the audit.
 */
export async function accountForUpstream(
  store: KernelStore,
  clock: Clock,
  auditor: Auditor,
  rules: CredentialRules,
  who: UpstreamIdentity,
  meta: RequestMeta,
  module = 'auth:platform',
): Promise<Account | undefined> {
  // Two first sign-ins at once (two tabs, two instances; the same subject, or two wanting the
  // same username or email) collide on a unique key: the loser looks again and now finds the
  // winner's link, username or email, instead of failing the login with a conflict.
  for (let attempt = 1; ; attempt++) {
    const linked = await store.upstreamLinks.findLinkedAccountId(who.issuer, who.subject);
    if (linked !== undefined) return store.accounts.findById(linked);
    try {
      return await linkNewIdentity(store, clock, auditor, rules, who, meta, module);
    } catch (error) {
      if (!(error instanceof GatehouseError && error.code === 'conflict') || attempt === 3) throw error;
    }
  }
}

function linkNewIdentity(store: KernelStore, clock: Clock, auditor: Auditor, rules: CredentialRules, who: UpstreamIdentity, meta: RequestMeta, module: string): Promise<Account> {
  return store.transaction(async (tx) => {
    const now = clock.now();
    const email = who.email ? normalizeEmail(who.email) : null;
    let account = email && who.emailVerified ? await tx.accounts.findByEmail(email) : undefined;
    if (!account) {
      account = await tx.accounts.insert({
        uuid: randomUUID(),
        username: await freeUsername(tx, rules, who),
        // An unverified upstream email is not recorded: it could belong to someone else.
        email: email && who.emailVerified && !(await tx.accounts.findByEmail(email)) ? email : null,
        displayName: who.name?.trim() || who.preferredUsername?.trim() || email || who.subject,
        passwordHash: null,
        isAdmin: false,
        roles: [],
        at: now,
      });
      await auditor.record(tx.audit, meta, { accountId: account.id, level: 'info', module, message: `Account created from OIDC issuer ${who.issuer}` });
    }
    await tx.upstreamLinks.link(who.issuer, who.subject, account.id, now);
    return account;
  });
}

/** preferred_username, else the email's local part, shaped to the username rules and made unique. */
async function freeUsername(store: KernelStore, rules: CredentialRules, who: UpstreamIdentity): Promise<string> {
  const wanted = normalizeUsername(who.preferredUsername ?? who.email?.split('@')[0] ?? 'user');
  let base = wanted.replace(/[^a-z0-9._-]/g, '').replace(/^[^a-z]+/, '');
  if (base.length < rules.usernameMinLength || !rules.usernameRegex.test(base)) base = `user${base}`.slice(0, rules.usernameMaxLength);
  base = base.slice(0, Math.max(rules.usernameMinLength, rules.usernameMaxLength - 4));
  for (let n = 1; n < 1000; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!(await store.accounts.findByUsername(candidate))) return candidate;
  }
  return `user-${randomUUID().slice(0, 8)}`;
}

/** The kernel's upstream-account capability: which local account an upstream identity signs in as. */
export class UpstreamAccounts {
  constructor(
    private readonly store: KernelStore,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
    private readonly rules: CredentialRules,
  ) {}

  accountFor(who: UpstreamIdentity, meta: RequestMeta, module: string): Promise<Account | undefined> {
    return accountForUpstream(this.store, this.clock, this.auditor, this.rules, who, meta, module);
  }
}
