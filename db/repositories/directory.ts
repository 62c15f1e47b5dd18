import type { Knex } from 'knex';
import type { Membership, Organization } from '../../core/kernel/model.js';
import type { DirectoryRepository } from '../../core/kernel/ports.js';

interface DbOrganizationRow {
  id: number;
  uuid: string;
  name: string;
}

const toOrganization = (row: DbOrganizationRow): Organization => ({ id: Number(row.id), uuid: row.uuid, name: row.name });

/** Organizations, memberships and credential namespaces. */
export class KnexDirectoryRepository implements DirectoryRepository {
  constructor(private readonly db: Knex) {}

  async insertOrganization(organization: { uuid: string; name: string; at: Date }): Promise<Organization> {
    await this.db('organizations').insert({ uuid: organization.uuid, name: organization.name, created_at: organization.at });
    const created = await this.organizationByUuid(organization.uuid);
    if (!created) throw new Error('inserted organization not found');
    return created;
  }

  async setMembership(organizationId: number, accountId: number, role: string, at: Date): Promise<void> {
    // One statement on both dialects: a concurrent second add changes the role instead of failing.
    await this.db('organization_memberships')
      .insert({ organization_id: organizationId, account_id: accountId, role, created_at: at })
      .onConflict(['organization_id', 'account_id'])
      .merge(['role']);
  }

  async organizationByUuid(uuid: string): Promise<Organization | undefined> {
    const row = await this.db<DbOrganizationRow>('organizations').where({ uuid }).first();
    return row ? toOrganization(row) : undefined;
  }

  async organizationById(id: number): Promise<Organization | undefined> {
    const row = await this.db<DbOrganizationRow>('organizations').where({ id }).first();
    return row ? toOrganization(row) : undefined;
  }

  async memberships(accountId: number): Promise<Membership[]> {
    const rows = await this.db('organization_memberships as m')
      .join('organizations as o', 'o.id', 'm.organization_id')
      .where('m.account_id', accountId)
      .orderBy([{ column: 'm.created_at' }, { column: 'm.id' }])
      .select('o.id', 'o.uuid', 'o.name', 'm.role');
    return rows.map((row: DbOrganizationRow & { role: string }) => ({ organization: toOrganization(row), role: row.role }));
  }

  async namespaceExists(name: string): Promise<boolean> {
    return (await this.db('namespaces').where({ name }).first('id')) !== undefined;
  }

  async missingOrganizations(names: readonly string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const found = new Set((await this.db('organizations').whereIn('name', [...names]).select('name')).map((r: { name: string }) => r.name));
    return names.filter((n) => !found.has(n));
  }
}
