import type { RequestMeta } from '../../kernel/audit.js';
import type { Kernel } from '../../kernel/index.js';
import type { Account, Organization } from '../../kernel/model.js';
import { scimErrors } from './errors.js';
import { GROUP_ATTRIBUTES, listRequest, type ListQuery } from './filter.js';
import { applyPatch, type PatchOperation } from './patch.js';
import { groupResource, listResponse, project, wants, type Projection, type ScimGroup, type ScimList } from './resources.js';

export interface GroupInput {
  displayName: string;
  externalId?: string | null | undefined;
  members?: readonly { value: string }[] | undefined;
}

const MODULE = 'scim';
/** Directory changes are recorded by the kernel once, under the SCIM module. */
const SCIM = { module: MODULE };
/** The role a member added through SCIM gets; members keep any other role an operator gave them. */
export const SCIM_MEMBER_ROLE = 'member';

/**
 * SCIM Groups over the kernel's directory: organizations and their members. The directory writes
 * the audit row of every change. Membership changes are computed as a difference, so an add of a
 * present member or a remove of an absent one is a no-op, as RFC 7644 §3.5.2 asks.
 */
export class ScimGroups {
  constructor(
    private readonly kernel: Kernel,
    private readonly baseUrl: string,
  ) {}

  async list(query: ListQuery, projection: Projection, meta: RequestMeta): Promise<ScimList<ScimGroup>> {
    const { filter, startIndex, page: wanted } = listRequest(query, GROUP_ATTRIBUTES);
    const page = await this.kernel.directory.searchOrganizations(filter, wanted);
    const withMembers = wants(projection, 'members');
    const resources = await Promise.all(page.items.map(async (organization) => project(await this.resource(organization, withMembers), projection)));
    await this.kernel.audit.record(meta, { accountId: null, level: 'info', module: MODULE, message: `SCIM listed Groups${query.filter ? ` (filter ${query.filter.slice(0, 200)})` : ''}: ${resources.length} of ${page.total}` });
    return listResponse(page.total, startIndex, resources);
  }

  async get(id: string, projection: Projection, meta: RequestMeta): Promise<Partial<ScimGroup>> {
    const organization = await this.find(id);
    await this.kernel.audit.record(meta, { accountId: null, level: 'info', module: MODULE, message: `SCIM read Group ${organization.uuid}` });
    return project(await this.resource(organization, wants(projection, 'members')), projection);
  }

  async create(input: GroupInput, meta: RequestMeta): Promise<ScimGroup> {
    // Every member is resolved before anything is written: an unknown one creates nothing.
    const members = await this.accounts(input.members ?? []);
    const organization = await this.kernel.directory.createOrganization(input.displayName, meta, { externalId: input.externalId ?? null }, SCIM);
    for (const account of members) await this.kernel.directory.setMemberRole(organization, account, SCIM_MEMBER_ROLE, meta, SCIM);
    return this.resource(organization, true);
  }

  /** PUT: the name and external id as sent, and exactly the listed members. */
  async replace(id: string, input: GroupInput, meta: RequestMeta): Promise<ScimGroup> {
    const organization = await this.find(id);
    const wanted = await this.accounts(input.members ?? []);
    return this.apply(organization, { displayName: input.displayName, externalId: input.externalId ?? null }, wanted, meta);
  }

  async patch(id: string, operations: readonly PatchOperation[], meta: RequestMeta): Promise<ScimGroup> {
    const organization = await this.find(id);
    const current = await this.resource(organization, true);
    const patched = applyPatch({ ...current, members: current.members ?? [] }, operations, []);
    if (typeof patched.displayName !== 'string' || !patched.displayName.trim()) throw scimErrors.invalidValue('displayName is required');
    const wanted = await this.accounts(patched.members ?? []);
    return this.apply(organization, { displayName: patched.displayName, externalId: patched.externalId ?? null }, wanted, meta);
  }

  async delete(id: string, meta: RequestMeta): Promise<void> {
    await this.kernel.directory.deleteOrganization(await this.find(id), meta, SCIM);
  }

  private async apply(organization: Organization, attributes: { displayName: string; externalId: string | null }, wanted: readonly Account[], meta: RequestMeta): Promise<ScimGroup> {
    const changes = {
      ...(attributes.displayName !== organization.name ? { name: attributes.displayName } : {}),
      ...(attributes.externalId !== organization.externalId ? { externalId: attributes.externalId } : {}),
    };
    const updated = Object.keys(changes).length ? await this.kernel.directory.updateOrganization(organization, changes, meta, SCIM) : organization;
    const present = new Map((await this.kernel.directory.members(organization)).map((m) => [m.account.id, m.account]));
    const keep = new Set(wanted.map((a) => a.id));
    for (const account of wanted) if (!present.has(account.id)) await this.kernel.directory.setMemberRole(organization, account, SCIM_MEMBER_ROLE, meta, SCIM);
    for (const [accountId, account] of present) if (!keep.has(accountId)) await this.kernel.directory.removeMember(organization, account, meta, SCIM);
    return this.resource(updated, true);
  }

  /** The accounts that `members` names (by User id), each once; an unknown id is a 400. */
  private async accounts(members: readonly { value: string }[]): Promise<Account[]> {
    const ids = [...new Set(members.map((m) => String(m.value)))];
    const found: Account[] = [];
    for (const id of ids) {
      const account = await this.kernel.accounts.byUuid(id);
      if (!account) throw scimErrors.invalidValue(`members: no User ${id}`);
      found.push(account);
    }
    return found;
  }

  private async find(id: string): Promise<Organization> {
    const organization = await this.kernel.directory.organizationByUuid(id);
    if (!organization) throw scimErrors.notFound('Group', id);
    return organization;
  }

  private async resource(organization: Organization, withMembers: boolean): Promise<ScimGroup> {
    const members = withMembers ? (await this.kernel.directory.members(organization)).map((m) => m.account) : undefined;
    return groupResource(organization, this.baseUrl, members);
  }
}
