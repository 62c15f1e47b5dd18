import { isAdministrator } from '../../kernel/accounts.js';
import type { Account } from '../../kernel/model.js';
import type { Store } from '../../kernel/ports.js';
import { credentialErrors } from './errors.js';
import type { CredentialRecord, NamespaceRole } from './ports.js';

/** Who is calling the credentials face: an account, and the service credential when it is a service account. */
export interface Caller {
  account: Account;
  /** set when the account is a service credential's service account */
  service: CredentialRecord | undefined;
  admin: boolean;
}

/** A service account is an administrator when its roles grant `admin` in `system`, directly or through `*`. */
export function grantsSystemAdmin(roles: readonly NamespaceRole[]): boolean {
  return roles.some((r) => r.role === 'admin' && (r.namespace === 'system' || r.namespace === '*'));
}

/** Roles are read at every request, so a replace or a demotion applies to the next call. */
export async function resolveCaller(store: Store, account: Account): Promise<Caller> {
  const service = await store.apiCredentials.findServiceCredentialOf(account.id);
  const admin = service ? grantsSystemAdmin(service.namespaceRoles) : isAdministrator(account);
  return { account, service, admin };
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
