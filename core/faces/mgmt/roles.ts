import type { Account } from '../../kernel/model.js';

/** Role names travel as the token's scopes: one word each (RFC 6749 §3.3 scope-token). */
const ROLE = /^[\x21\x23-\x5b\x5d-\x7e]{1,64}$/;

/** The roles a password login carries: the account's stored roles, and `admin` for an administrator. */
export function accountRoles(account: Account): string[] {
  const roles = new Set(account.roles.filter((role) => ROLE.test(role)));
  if (account.isAdmin) roles.add('admin');
  return [...roles].sort();
}

/** Role R when the token's `groups` claim holds `mapRoles[R]`; a claim that is not a list of strings maps nothing. */
export function rolesForGroups(mapRoles: Readonly<Record<string, string>>, groups: unknown): string[] {
  const held = new Set(Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : []);
  return Object.entries(mapRoles)
    .filter(([role, group]) => ROLE.test(role) && held.has(group))
    .map(([role]) => role)
    .sort();
}
