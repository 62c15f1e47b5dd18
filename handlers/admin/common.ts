import type { AdminRules } from '../../core/faces/admin/index.js';
import type { Operator } from '../../core/faces/admin/context.js';
import type { Account as KernelAccount, Organization as KernelOrganization } from '../../core/kernel/model.js';
import type { AdminHandlers } from '../../generated/admin/handlers.gen.js';
import type { Account, Member, Organization } from '../../generated/admin/types.gen.js';
import { requirePrincipal, type HandlerContext } from '../context.js';

export type Ctx = HandlerContext<AdminRules>;
export type H = AdminHandlers<Ctx>;

/** Problem bodies and these replies must not be cached: they describe live accounts. */
export const NO_STORE = { 'Cache-Control': 'no-store' } as const;

export function operator(ctx: Ctx): Operator {
  return { account: requirePrincipal(ctx).account, meta: ctx.meta };
}

export function accountBody(account: KernelAccount): Account {
  return {
    id: account.uuid,
    username: account.username,
    email: account.email,
    display_name: account.displayName,
    given_name: account.givenName,
    family_name: account.familyName,
    external_id: account.externalId,
    active: account.active,
    is_admin: account.isAdmin,
    roles: account.roles,
    totp_enabled: account.totpSecretSealed !== null,
    created_at: account.createdAt.toISOString(),
    updated_at: account.updatedAt.toISOString(),
  };
}

export function organizationBody(organization: KernelOrganization): Organization {
  return { id: organization.uuid, name: organization.name, external_id: organization.externalId };
}

export function memberBody(member: { account: KernelAccount; role: string }): Member {
  return { account: { id: member.account.uuid, username: member.account.username, email: member.account.email }, role: member.role };
}
