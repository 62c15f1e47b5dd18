import type { Kernel } from '../../kernel/index.js';
import type { Account, ApiKeyRecord } from '../../kernel/model.js';
import { credentialErrors } from './errors.js';

/** Who is calling the credentials face: an account, and the service credential when it is a service account. */
export interface Caller {
  account: Account;
  /** set when the account is a service credential's service account */
  service: ApiKeyRecord | undefined;
  admin: boolean;
}

/** Roles are read at every request, so a replace or a demotion applies to the next call. */
export async function resolveCaller(kernel: Kernel, account: Account): Promise<Caller> {
  const service = await kernel.apiKeys.serviceCredentialOf(account);
  return { account, service, admin: kernel.accounts.isAdministratorWith(account, service) };
}

export function requireAdmin(caller: Caller, what: string): void {
  if (!caller.admin) throw credentialErrors.adminRequired(what);
}

/** A leaked service token must not mint, re-enable or extend credentials. */
export function requireHuman(caller: Caller): void {
  if (caller.service) throw credentialErrors.serviceAccountForbidden();
}

/** Email, or username when the account has none: how F5 names a user in `creator_id` and `users`. */
export function accountLabel(account: Account): string {
  return account.email ?? account.username;
}
