import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { GatehouseError } from '../errors.js';
import type { AuditTrail, RequestMeta } from './audit.js';
import type { Membership, Organization } from './model.js';
import type { KernelStore } from './ports.js';
import { normalizeEmail, normalizeUsername } from './rules.js';

/** Role names are short identifiers (`admin`, `member`, …); `admin` may impersonate fellow members. */
const ROLE = /^[a-z][a-z0-9_-]{0,31}$/;

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

  async createOrganization(name: string, meta: RequestMeta): Promise<Organization> {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 191) throw new GatehouseError('bad_request', { message: 'organization name must be 1 to 191 characters' });
    const organization = await this.store.directory.insertOrganization({ uuid: randomUUID(), name: trimmed, at: this.clock.now() });
    await this.audit.record(meta, { accountId: null, level: 'info', module: 'directory', message: `Organization ${organization.uuid} created` });
    return organization;
  }

  /** Adds an account (by username or email) to an organization with a role, or changes its role. */
  async setMember(organizationUuid: string, user: string, role: string, meta: RequestMeta): Promise<void> {
    if (!ROLE.test(role)) throw new GatehouseError('bad_request', { message: 'role must be a short lower-case name, e.g. admin or member' });
    const organization = await this.store.directory.organizationByUuid(organizationUuid);
    if (!organization) throw new GatehouseError('not_found', { message: 'no such organization' });
    const account = (await this.store.accounts.findByUsername(normalizeUsername(user))) ?? (await this.store.accounts.findByEmail(normalizeEmail(user)));
    if (!account) throw new GatehouseError('account_not_found');
    await this.store.directory.setMembership(organization.id, account.id, role, this.clock.now());
    await this.audit.record(meta, { accountId: account.id, level: 'info', module: 'directory', message: `Membership in ${organization.uuid} set to ${role}` });
  }
}
