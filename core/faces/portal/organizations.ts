import type { DirectoryService } from '../../kernel/directory.js';
import type { Account, Membership, Organization } from '../../kernel/model.js';

/** The verified claims of the caller's access token the portal reads. */
export interface PortalCaller {
  account: Account;
  /** the access token's grant (logout revokes it) */
  grantId: number;
  /** `org` claim: organization UUID, absent on tokens of other faces */
  org: string | undefined;
  /** `act.sub` claim: the impersonator's UUID */
  actor: string | undefined;
}

export interface OrganizationContext {
  memberships: Membership[];
  /** the current organization's membership, undefined without any */
  current: Membership | undefined;
}

/**
 * Which organization a call acts in: the token's `org` claim while the account is still a member
 * of it, else the default organization (the earliest membership), else none.
 */
export async function organizationContext(directory: DirectoryService, account: Account, org: string | undefined): Promise<OrganizationContext> {
  const memberships = await directory.memberships(account.id);
  const current = memberships.find((m) => m.organization.uuid === org) ?? memberships[0];
  return { memberships, current };
}

/** The account's default organization (earliest membership), or null. */
export async function defaultOrganization(directory: DirectoryService, accountId: number): Promise<Organization | null> {
  return (await directory.memberships(accountId))[0]?.organization ?? null;
}

/** The organization a sign-in asked for (`portal_id` → a membership) or the default one. */
export async function signInOrganization(directory: DirectoryService, accountId: number, organizationId: number | null): Promise<Organization | null> {
  if (organizationId !== null) return (await directory.organizationById(organizationId)) ?? null;
  return defaultOrganization(directory, accountId);
}

/** Whether the account is a member of the portal (`portal_id`); no portal asks nothing. */
export async function memberOfPortal(directory: DirectoryService, accountId: number, portal: Organization | null): Promise<boolean> {
  if (!portal) return true;
  return (await directory.memberships(accountId)).some((m) => m.organization.id === portal.id);
}
