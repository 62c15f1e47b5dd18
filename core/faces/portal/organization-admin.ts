import { randomUUID } from 'node:crypto';
import type { Auditor, RequestMeta } from '../../kernel/audit.js';
import type { Clock } from '../../clock.js';
import { GatehouseError } from '../../errors.js';
import type { Store } from '../../kernel/ports.js';
import { normalizeEmail, normalizeUsername } from '../../kernel/rules.js';
import type { Organization } from './ports.js';

/** Role names are short identifiers (`admin`, `member`, …); `admin` may impersonate fellow members. */
const ROLE = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * Organizations and memberships for operators (the contract has no operation that creates them):
 * used by `scripts/organization.ts`. Every change is written to the audit trail.
 */
export class OrganizationAdmin {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
  ) {}

  async create(name: string, meta: RequestMeta): Promise<Organization> {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 191) throw new GatehouseError('bad_request', { message: 'organization name must be 1 to 191 characters' });
    const organization = await this.store.portal.insertOrganization({ uuid: randomUUID(), name: trimmed, at: this.clock.now() });
    await this.auditor.record(this.store.audit, meta, { accountId: null, level: 'info', module: 'portal:admin', message: `Organization ${organization.uuid} created` });
    return organization;
  }

  /** Adds an account (by username or email) to an organization with a role, or changes its role. */
  async setMember(organizationUuid: string, user: string, role: string, meta: RequestMeta): Promise<void> {
    if (!ROLE.test(role)) throw new GatehouseError('bad_request', { message: 'role must be a short lower-case name, e.g. admin or member' });
    const organization = await this.store.portal.organizationByUuid(organizationUuid);
    if (!organization) throw new GatehouseError('not_found', { message: 'no such organization' });
    const account = (await this.store.accounts.findByUsername(normalizeUsername(user))) ?? (await this.store.accounts.findByEmail(normalizeEmail(user)));
    if (!account) throw new GatehouseError('account_not_found');
    await this.store.portal.setMembership(organization.id, account.id, role, this.clock.now());
    await this.auditor.record(this.store.audit, meta, { accountId: account.id, level: 'info', module: 'portal:admin', message: `Membership in ${organization.uuid} set to ${role}` });
  }
}
