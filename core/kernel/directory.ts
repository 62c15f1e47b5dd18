import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { GatehouseError } from '../errors.js';
import { by, type AdminContext } from './account-admin.js';
import type { AuditEvent, AuditTrail, RequestMeta } from './audit.js';
import type { Account, Membership, Organization } from './model.js';
import type { KernelStore } from './ports.js';
import { boundedPage, type Filter, type OrganizationAttribute, type Page, type PageOf } from './queries.js';
import { normalizeEmail, normalizeUsername } from './rules.js';

/** Role names are short identifiers (`admin`, `member`, …); `admin` may impersonate fellow members. */
const ROLE = /^[a-z][a-z0-9_-]{0,31}$/;
/** Namespace names are DNS-1035 labels (as F5's), `system` always exists and never goes. */
const NAMESPACE = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MODULE = 'directory';

/** Who changes the directory when it is not the directory's own caller: a face's module and its operator (admin, SCIM). */
export type DirectoryActor = Pick<AdminContext, 'module' | 'by'>;

const badName = () => new GatehouseError('bad_request', { message: 'organization name must be 1 to 191 characters' });
const badRole = () => new GatehouseError('bad_request', { message: 'role must be a short lower-case name, e.g. admin or member' });

/**
 * The directory every face shares: organizations and their members (the portal's organization
 * switch and impersonation scope, SCIM groups, the admin face), and credential namespaces.
 * Every change is written to the audit trail.
 */
export class DirectoryService {
  constructor(
    private readonly store: KernelStore,
    private readonly clock: Clock,
    private readonly audit: AuditTrail,
  ) {}

  /** One audit row per change: under the acting face's module and naming its operator, else the directory's own. */
  private record(meta: RequestMeta, actor: DirectoryActor | undefined, entry: Omit<AuditEvent, 'module'>): Promise<void> {
    return this.audit.record(meta, { ...entry, module: actor?.module ?? MODULE, message: `${entry.message}${by(actor)}` });
  }

  organizationByUuid(uuid: string): Promise<Organization | undefined> {
    return this.store.directory.organizationByUuid(uuid);
  }

  organizationById(id: number): Promise<Organization | undefined> {
    return this.store.directory.organizationById(id);
  }

  /** The account's memberships, oldest first: the first is its default organization. */
  memberships(accountId: number): Promise<Membership[]> {
    return this.store.directory.memberships(accountId);
  }

  namespaceExists(name: string): Promise<boolean> {
    return this.store.directory.namespaceExists(name);
  }

  /** The organization names among `names` that do not exist. */
  missingOrganizations(names: readonly string[]): Promise<string[]> {
    return this.store.directory.missingOrganizations(names);
  }

  async createOrganization(name: string, meta: RequestMeta, options: { externalId?: string | null } = {}, actor?: DirectoryActor): Promise<Organization> {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 191) throw badName();
    const organization = await this.store.directory.insertOrganization({ uuid: randomUUID(), name: trimmed, externalId: options.externalId ?? null, at: this.clock.now() });
    await this.record(meta, actor, { accountId: null, level: 'info', message: `Organization ${organization.uuid} created` });
    return organization;
  }

  searchOrganizations(filter: Filter<OrganizationAttribute> | undefined, page: Partial<Page<OrganizationAttribute>>): Promise<PageOf<Organization>> {
    return this.store.directory.searchOrganizations(filter, boundedPage(page));
  }

  async updateOrganization(organization: Organization, changes: { name?: string; externalId?: string | null }, meta: RequestMeta, actor?: DirectoryActor): Promise<Organization> {
    const name = changes.name?.trim();
    if (name !== undefined && (!name || name.length > 191)) throw badName();
    await this.store.directory.updateOrganization(organization.id, { ...(name !== undefined ? { name } : {}), ...(changes.externalId !== undefined ? { externalId: changes.externalId } : {}) });
    await this.record(meta, actor, { accountId: null, level: 'info', message: `Organization ${organization.uuid} updated (${Object.keys(changes).sort().join(', ')})` });
    return (await this.store.directory.organizationById(organization.id))!;
  }

  /** Deletes it with its memberships; tokens scoped to it fall back to their account's default organization. */
  async deleteOrganization(organization: Organization, meta: RequestMeta, actor?: DirectoryActor): Promise<boolean> {
    const deleted = await this.store.directory.deleteOrganization(organization.id);
    if (deleted) await this.record(meta, actor, { accountId: null, level: 'warn', message: `Organization ${organization.uuid} (${organization.name}) deleted` });
    return deleted;
  }

  members(organization: Organization): Promise<{ account: Account; role: string }[]> {
    return this.store.directory.members(organization.id);
  }

  /** Adds the account with the role, or changes its role there. */
  async setMemberRole(organization: Organization, account: Account, role: string, meta: RequestMeta, actor?: DirectoryActor): Promise<void> {
    if (!ROLE.test(role)) throw badRole();
    await this.store.directory.setMembership(organization.id, account.id, role, this.clock.now());
    await this.record(meta, actor, { accountId: account.id, level: 'info', message: `Membership in ${organization.uuid} set to ${role}` });
  }

  async removeMember(organization: Organization, account: Account, meta: RequestMeta, actor?: DirectoryActor): Promise<boolean> {
    const removed = await this.store.directory.removeMembership(organization.id, account.id);
    if (removed) await this.record(meta, actor, { accountId: account.id, level: 'info', message: `Membership in ${organization.uuid} removed` });
    return removed;
  }

  namespaces(): Promise<{ name: string; createdAt: Date; credentials: number }[]> {
    return this.store.directory.namespaces();
  }

  async createNamespace(name: string, meta: RequestMeta, actor?: DirectoryActor): Promise<void> {
    if (!NAMESPACE.test(name)) throw new GatehouseError('bad_request', { message: 'namespace names are lower-case letters, digits and hyphens, starting with a letter (at most 63)' });
    await this.store.directory.insertNamespace(name, this.clock.now());
    await this.record(meta, actor, { accountId: null, level: 'info', message: `Namespace ${name} created` });
  }

  /** Only an empty namespace goes, and never `system`. */
  async deleteNamespace(name: string, meta: RequestMeta, actor?: DirectoryActor): Promise<void> {
    if (name === 'system') throw new GatehouseError('conflict', { message: 'the system namespace always exists' });
    const outcome = await this.store.directory.deleteNamespace(name);
    if (outcome === 'not_found') throw new GatehouseError('not_found', { message: `no namespace ${name}` });
    if (outcome === 'in_use') throw new GatehouseError('conflict', { message: `namespace ${name} still holds credentials` });
    await this.record(meta, actor, { accountId: null, level: 'info', message: `Namespace ${name} deleted` });
  }

  /** Adds an account (by username or email) to an organization with a role, or changes its role. */
  async setMember(organizationUuid: string, user: string, role: string, meta: RequestMeta): Promise<void> {
    if (!ROLE.test(role)) throw badRole();
    const organization = await this.store.directory.organizationByUuid(organizationUuid);
    if (!organization) throw new GatehouseError('not_found', { message: 'no such organization' });
    const account = (await this.store.accounts.findByUsername(normalizeUsername(user))) ?? (await this.store.accounts.findByEmail(normalizeEmail(user)));
    if (!account) throw new GatehouseError('account_not_found');
    await this.setMemberRole(organization, account, role, meta);
  }
}
