import type { Knex } from 'knex';
import type { Account, Membership, Organization } from '../../core/kernel/model.js';
import type { DirectoryRepository } from '../../core/kernel/ports.js';
import type { Filter, OrganizationAttribute, Page, PageOf } from '../../core/kernel/queries.js';
import { PreparedLookup } from '../prepared.js';
import { toCount, toDate } from '../values.js';
import { rolesColumn, rolesFrom, toAccount, type DbAccountRow } from './accounts.js';
import { applyFilter, type Column } from './filters.js';

interface DbOrganizationRow {
  id: number;
  uuid: string;
  name: string;
  external_id: string | null;
}

const toOrganization = (row: DbOrganizationRow): Organization => ({ id: Number(row.id), uuid: row.uuid, name: row.name, externalId: row.external_id ?? null });

/** Organizations, memberships and credential namespaces. */
export class KnexDirectoryRepository implements DirectoryRepository {
  #namespaceByName: PreparedLookup | undefined;

  constructor(private readonly db: Knex) {}

  async insertOrganization(organization: { uuid: string; name: string; externalId?: string | null; at: Date }): Promise<Organization> {
    await this.db('organizations').insert({ uuid: organization.uuid, name: organization.name, external_id: organization.externalId ?? null, created_at: organization.at });
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
      .select('o.id', 'o.uuid', 'o.name', 'o.external_id', 'm.role');
    return rows.map((row: DbOrganizationRow & { role: string }) => ({ organization: toOrganization(row), role: row.role }));
  }

  async searchOrganizations(filter: Filter<OrganizationAttribute> | undefined, page: Page<OrganizationAttribute>): Promise<PageOf<Organization>> {
    const matching = () => {
      const query = this.db('organizations');
      if (filter) applyFilter(query, filter, ORGANIZATION_COLUMNS);
      return query;
    };
    const total = toCount((await matching().count({ n: '*' }).first())?.n);
    if (page.limit === 0 || total <= page.offset) return { total, items: [] };
    const sort = ORGANIZATION_COLUMNS[page.sortBy ?? 'name'];
    const rows = (await matching()
      .select('id', 'uuid', 'name', 'external_id')
      .orderBy([{ column: sort.sql, order: page.descending ? 'desc' : 'asc' }, { column: 'id', order: 'asc' }])
      .offset(page.offset)
      .limit(page.limit)) as DbOrganizationRow[];
    return { total, items: rows.map(toOrganization) };
  }

  async updateOrganization(id: number, changes: { name?: string; externalId?: string | null }): Promise<void> {
    const columns: Record<string, unknown> = {};
    if (changes.name !== undefined) columns.name = changes.name;
    if (changes.externalId !== undefined) columns.external_id = changes.externalId;
    if (Object.keys(columns).length) await this.db('organizations').where({ id }).update(columns);
  }

  async deleteOrganization(id: number): Promise<boolean> {
    // Memberships go by the foreign key's ON DELETE CASCADE; portal codes keep a null organization.
    return (await this.db('organizations').where({ id }).delete()) === 1;
  }

  async members(organizationId: number): Promise<{ account: Account; role: string }[]> {
    const rows = (await this.db('organization_memberships as m')
      .join('accounts', 'accounts.id', 'm.account_id')
      .where('m.organization_id', organizationId)
      .orderBy([{ column: 'm.created_at' }, { column: 'm.id' }])
      .select('accounts.*', rolesColumn(this.db, 'accounts.id'), 'm.role as membership_role')) as (DbAccountRow & { roles_csv: string | null; membership_role: string })[];
    return rows.map((row) => ({ account: toAccount(row, rolesFrom(row.roles_csv)), role: row.membership_role }));
  }

  async removeMembership(organizationId: number, accountId: number): Promise<boolean> {
    return (await this.db('organization_memberships').where({ organization_id: organizationId, account_id: accountId }).delete()) === 1;
  }

  async insertNamespace(name: string, at: Date): Promise<void> {
    await this.db('namespaces').insert({ name, created_at: at });
  }

  async namespaces(): Promise<{ name: string; createdAt: Date; credentials: number }[]> {
    const rows = await this.db('namespaces as n')
      .leftJoin('api_credentials as c', 'c.namespace', 'n.name')
      .groupBy('n.name', 'n.created_at')
      .orderBy('n.name')
      .select('n.name', 'n.created_at', this.db.raw('count(c.id) as credentials'));
    return rows.map((r: { name: string; created_at: unknown; credentials: unknown }) => ({ name: r.name, createdAt: toDate(r.created_at), credentials: toCount(r.credentials) }));
  }

  async deleteNamespace(name: string): Promise<'deleted' | 'not_found' | 'in_use'> {
    // One conditional DELETE: a credential created concurrently keeps its namespace.
    const deleted = await this.db('namespaces')
      .where({ name })
      .whereNotExists((q) => q.select(1).from('api_credentials').where('api_credentials.namespace', name))
      .delete();
    if (deleted === 1) return 'deleted';
    return (await this.namespaceExists(name)) ? 'in_use' : 'not_found';
  }

  /** Every credentials call checks its path's namespace: a prepared statement. */
  async namespaceExists(name: string): Promise<boolean> {
    this.#namespaceByName ??= new PreparedLookup(this.db, (db, value) => db('namespaces').select('id').where({ name: value }));
    return (await this.#namespaceByName.first(name)) !== undefined;
  }

  async missingOrganizations(names: readonly string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const found = new Set((await this.db('organizations').whereIn('name', [...names]).select('name')).map((r: { name: string }) => r.name));
    return names.filter((n) => !found.has(n));
  }
}

const ORGANIZATION_COLUMNS: Readonly<Record<OrganizationAttribute, Column>> = {
  id: { sql: 'organizations.uuid', kind: 'text', caseless: true },
  name: { sql: 'organizations.name', kind: 'text', caseless: true },
  externalId: { sql: 'organizations.external_id', kind: 'text' },
};
