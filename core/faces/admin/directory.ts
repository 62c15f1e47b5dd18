import { GatehouseError } from '../../errors.js';
import type { Kernel } from '../../kernel/index.js';
import type { Account, Organization } from '../../kernel/model.js';
import type { PageOf } from '../../kernel/queries.js';
import { adminContext, findAccount, pageOf, recordAdmin, type Operator, type PageRequest } from './context.js';

/**
 * Organizations, memberships and credential namespaces, over the kernel's directory (which writes
 * the audit row of each change); a row naming the administrator is added for each call.
 */
export class AdminDirectory {
  constructor(private readonly kernel: Kernel) {}

  async organizations(search: PageRequest & { q?: string | undefined }, operator: Operator): Promise<PageOf<Organization> & { offset: number; limit: number }> {
    const page = pageOf(search);
    const found = await this.kernel.directory.searchOrganizations(search.q ? { op: 'co', attribute: 'name', value: search.q } : undefined, { ...page, sortBy: 'name' });
    await recordAdmin(this.kernel, operator, `Organizations listed (${found.items.length} of ${found.total})`);
    return { ...found, ...page };
  }

  async organization(id: string, operator: Operator): Promise<Organization> {
    const organization = await this.find(id);
    await recordAdmin(this.kernel, operator, `Organization ${organization.uuid} read`);
    return organization;
  }

  async createOrganization(input: { name: string; externalId?: string | null | undefined }, operator: Operator): Promise<Organization> {
    return this.kernel.directory.createOrganization(input.name, operator.meta, { externalId: input.externalId ?? null }, adminContext(operator));
  }

  async updateOrganization(id: string, changes: { name?: string | undefined; externalId?: string | null | undefined }, operator: Operator): Promise<Organization> {
    const organization = await this.find(id);
    return this.kernel.directory.updateOrganization(organization, { ...(changes.name !== undefined ? { name: changes.name } : {}), ...(changes.externalId !== undefined ? { externalId: changes.externalId } : {}) }, operator.meta, adminContext(operator));
  }

  async deleteOrganization(id: string, operator: Operator): Promise<void> {
    const organization = await this.find(id);
    await this.kernel.directory.deleteOrganization(organization, operator.meta, adminContext(operator));
  }

  async members(id: string, operator: Operator): Promise<{ account: Account; role: string }[]> {
    const organization = await this.find(id);
    const members = await this.kernel.directory.members(organization);
    await recordAdmin(this.kernel, operator, `Members of ${organization.uuid} listed`);
    return members.sort((a, b) => a.account.username.localeCompare(b.account.username));
  }

  async setMember(id: string, reference: string, role: string, operator: Operator): Promise<{ account: Account; role: string }> {
    const organization = await this.find(id);
    const account = await findAccount(this.kernel, reference);
    await this.kernel.directory.setMemberRole(organization, account, role, operator.meta, adminContext(operator));
    return { account, role };
  }

  async removeMember(id: string, reference: string, operator: Operator): Promise<void> {
    const organization = await this.find(id);
    const account = await findAccount(this.kernel, reference);
    if (!(await this.kernel.directory.removeMember(organization, account, operator.meta, adminContext(operator)))) throw new GatehouseError('not_found', { message: `${account.username} is no member of ${organization.name}` });
  }

  async namespaces(operator: Operator): Promise<{ name: string; createdAt: Date; credentials: number }[]> {
    const namespaces = await this.kernel.directory.namespaces();
    await recordAdmin(this.kernel, operator, 'Namespaces listed');
    return namespaces;
  }

  async createNamespace(name: string, operator: Operator): Promise<{ name: string; createdAt: Date; credentials: number }> {
    await this.kernel.directory.createNamespace(name, operator.meta, adminContext(operator));
    return (await this.kernel.directory.namespaces()).find((n) => n.name === name)!;
  }

  async deleteNamespace(name: string, operator: Operator): Promise<void> {
    await this.kernel.directory.deleteNamespace(name, operator.meta, adminContext(operator));
  }

  private async find(id: string): Promise<Organization> {
    const organization = await this.kernel.directory.organizationByUuid(id);
    if (!organization) throw new GatehouseError('not_found', { message: `no organization ${id}` });
    return organization;
  }
}
