import type { Knex } from 'knex';
import type { Account } from '../../core/kernel/model.js';
import { PreparedList, PreparedLookup } from '../prepared.js';
import { accountFromPrefixed, prefixedAccountColumns } from './accounts.js';
import type { CertificateAuthorityRecord, CredentialFamily, CredentialRecord, CredentialRepository, NamespaceRole, NewCredential } from '../../core/faces/credentials/ports.js';
import { toBool, toDate, toDateOrNull } from '../values.js';

interface DbCredentialRow {
  id: number;
  uuid: string;
  name: string;
  namespace: string;
  family: string;
  type: string;
  account_id: number;
  enabled: unknown;
  created_at: unknown;
  updated_at: unknown;
  expires_at: unknown;
  revoked_at: unknown;
  created_by: string | null;
  digest: string | null;
  certificate_serial: string | null;
  virtual_k8s_name: string | null;
  virtual_k8s_namespace: string | null;
  site_name: string | null;
  namespace_roles: string | null;
  user_group_names: string | null;
}

function jsonList<T>(text: string | null): T[] {
  if (!text) return [];
  const value = JSON.parse(text) as unknown;
  return Array.isArray(value) ? (value as T[]) : [];
}

function toRecord(row: DbCredentialRow): CredentialRecord {
  const createdAt = toDate(row.created_at);
  return {
    id: Number(row.id),
    uuid: row.uuid,
    name: row.name,
    namespace: row.namespace,
    family: row.family as CredentialFamily,
    type: row.type,
    accountId: Number(row.account_id),
    enabled: toBool(row.enabled),
    createdAt,
    updatedAt: toDateOrNull(row.updated_at) ?? createdAt,
    expiresAt: toDate(row.expires_at),
    revokedAt: toDateOrNull(row.revoked_at),
    createdBy: row.created_by,
    digest: row.digest,
    certificateSerial: row.certificate_serial,
    virtualK8sName: row.virtual_k8s_name,
    virtualK8sNamespace: row.virtual_k8s_namespace,
    siteName: row.site_name,
    namespaceRoles: jsonList<NamespaceRole>(row.namespace_roles),
    userGroupNames: jsonList<string>(row.user_group_names),
  };
}

const NEWEST_FIRST = [
  { column: 'created_at', order: 'desc' },
  { column: 'id', order: 'desc' },
] as const;

/**
 * The namespace's row left-joined to its credentials that match `which`, newest first: no row
 * means no such namespace, one row without a credential (`id` null) an empty one.
 */
function inNamespace(db: Knex, namespace: string, which: (on: Knex.JoinClause) => Knex.JoinClause): Knex.QueryBuilder {
  return db('namespaces as n')
    .leftJoin('api_credentials as c', (on) => which(on.on('c.namespace', '=', 'n.name')))
    .select('c.*')
    .where('n.name', namespace)
    .orderBy(NEWEST_FIRST.map(({ column, order }) => ({ column: `c.${column}`, order })));
}

/** Every credential kind in one table (`api_credentials`); see the credentials migration. */
export class KnexCredentialRepository implements CredentialRepository {
  #withAccountByHash: PreparedLookup | undefined;
  #serviceOf: PreparedLookup<number> | undefined;
  #list: PreparedList<[string, string]> | undefined;
  #listOf: PreparedList<[string, string, number]> | undefined;

  constructor(private readonly db: Knex) {}

  async insert(c: NewCredential): Promise<void> {
    await this.db('api_credentials').insert({
      uuid: c.uuid,
      name: c.name,
      type: c.type,
      account_id: c.accountId,
      token_hash: c.tokenHash,
      created_at: c.at,
      expires_at: c.expiresAt,
      family: c.family ?? 'user',
      namespace: c.namespace ?? 'system',
      enabled: true,
      created_by: c.createdBy ?? null,
      digest: c.digest ?? null,
      certificate_serial: c.certificateSerial ?? null,
      virtual_k8s_name: c.virtualK8sName ?? null,
      virtual_k8s_namespace: c.virtualK8sNamespace ?? null,
      site_name: c.siteName ?? null,
      namespace_roles: c.namespaceRoles ? JSON.stringify(c.namespaceRoles) : null,
      user_group_names: c.userGroupNames ? JSON.stringify(c.userGroupNames) : null,
    });
  }

  /** Every API-token and certificate call reads its credential, with its account, here: a prepared statement. */
  async findByHashWithAccount(tokenHash: string): Promise<{ credential: CredentialRecord; account: Account } | undefined> {
    this.#withAccountByHash ??= new PreparedLookup(this.db, (db, hash) =>
      db('api_credentials as c').join('accounts as a', 'a.id', 'c.account_id').select('c.*', ...prefixedAccountColumns(db, 'a')).where({ 'c.token_hash': hash }),
    );
    const row = await this.#withAccountByHash.first(tokenHash);
    return row ? { credential: toRecord(row as unknown as DbCredentialRow), account: accountFromPrefixed(row) } : undefined;
  }

  async findByName(namespace: string, family: CredentialFamily, name: string): Promise<CredentialRecord | undefined> {
    const row = (await this.db('api_credentials').where({ namespace, family, name }).first()) as DbCredentialRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  async findServiceCredentialOf(accountId: number): Promise<CredentialRecord | undefined> {
    // Read at every credentials call (the caller's roles): a prepared statement.
    this.#serviceOf ??= new PreparedLookup<number>(this.db, (db, id) => db('api_credentials').where({ account_id: id, family: 'service' }));
    const row = (await this.#serviceOf.first(accountId)) as DbCredentialRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  async list(namespace: string, family: CredentialFamily, accountId?: number): Promise<CredentialRecord[] | undefined> {
    // A caller listing their own API tokens is a hot read: one prepared statement answers both
    // whether the namespace exists (a row for it, with or without a credential) and what is in it.
    const rows =
      accountId === undefined
        ? await (this.#list ??= new PreparedList(this.db, (db, ns: string, f: string) => inNamespace(db, ns, (on) => on.andOnVal('c.family', '=', f)))).all(namespace, family)
        : await (this.#listOf ??= new PreparedList(this.db, (db, ns: string, f: string, id: number) => inNamespace(db, ns, (on) => on.andOnVal('c.family', '=', f).andOnVal('c.account_id', '=', id)))).all(
            namespace,
            family,
            accountId,
          );
    if (!rows.length) return undefined;
    return rows.filter((r) => r.id !== null).map((r) => toRecord(r as unknown as DbCredentialRow));
  }

  async listExpired(namespace: string, family: CredentialFamily, now: Date, filter: { type?: string; accountId?: number }): Promise<CredentialRecord[]> {
    const query = this.db('api_credentials').where({ namespace, family }).andWhere('expires_at', '<=', now);
    if (filter.type !== undefined) query.andWhere({ type: filter.type });
    if (filter.accountId !== undefined) query.andWhere({ account_id: filter.accountId });
    return (await query.orderBy([...NEWEST_FIRST])).map((r: DbCredentialRow) => toRecord(r));
  }

  async activate(id: number, at: Date): Promise<boolean> {
    return (await this.db('api_credentials').where({ id }).update({ enabled: true, updated_at: at })) === 1;
  }

  async renew(id: number, type: string, expiresAt: Date, at: Date): Promise<boolean> {
    return (await this.db('api_credentials').where({ id, type }).update({ expires_at: expiresAt, updated_at: at })) === 1;
  }

  async setAccess(id: number, roles: NamespaceRole[], groups: string[], at: Date): Promise<boolean> {
    const changed = await this.db('api_credentials')
      .where({ id, family: 'service' })
      .update({ namespace_roles: JSON.stringify(roles), user_group_names: JSON.stringify(groups), updated_at: at });
    return changed === 1;
  }

  async delete(id: number): Promise<boolean> {
    return (await this.db('api_credentials').where({ id }).delete()) === 1;
  }

  async deleteOwnedBy(accountId: number): Promise<void> {
    await this.db('api_credentials').where({ account_id: accountId }).delete();
  }

  async disableAllOf(accountId: number, at: Date): Promise<number> {
    return this.db('api_credentials').where({ account_id: accountId, enabled: true }).update({ enabled: false, updated_at: at });
  }

  async deleteFamily(namespace: string, family: CredentialFamily): Promise<number> {
    return this.db('api_credentials').where({ namespace, family }).delete();
  }

  async getCa(): Promise<CertificateAuthorityRecord | undefined> {
    const row = await this.db('credential_ca').where({ id: 1 }).first();
    return row ? { certificatePem: row.certificate_pem, privateKeySealed: row.private_key_sealed } : undefined;
  }

  async insertCaIfAbsent(ca: CertificateAuthorityRecord, at: Date): Promise<void> {
    await this.db('credential_ca').insert({ id: 1, certificate_pem: ca.certificatePem, private_key_sealed: ca.privateKeySealed, created_at: at }).onConflict('id').ignore();
  }
}
