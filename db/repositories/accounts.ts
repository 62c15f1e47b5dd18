import type { Knex } from 'knex';
import type { Account } from '../../core/kernel/model.js';
import type { AccountChanges, AccountRepository, NewAccount } from '../../core/kernel/ports.js';
import type { AccountAttribute, Filter, Page, PageOf } from '../../core/kernel/queries.js';
import { applyFilter, type Column } from './filters.js';
import { toBool, toDate, toDateOrNull, toNumberOrNull } from '../values.js';

export interface DbAccountRow {
  id: number;
  uuid: string;
  username: string;
  email: string | null;
  display_name: string;
  active: number | boolean;
  is_admin: number | boolean;
  password_hash: string | null;
  password_changed_at: unknown;
  totp_secret: string | null;
  totp_last_step: number | string | null;
  mfa_required: number | boolean | null;
  external_id: string | null;
  given_name: string | null;
  family_name: string | null;
  created_at: unknown;
  updated_at: unknown;
}

export function toAccount(row: DbAccountRow, roles: string[]): Account {
  return {
    id: Number(row.id),
    uuid: row.uuid,
    username: row.username,
    email: row.email,
    displayName: row.display_name,
    active: toBool(row.active),
    isAdmin: toBool(row.is_admin),
    roles,
    passwordHash: row.password_hash,
    passwordChangedAt: toDateOrNull(row.password_changed_at),
    totpSecretSealed: row.totp_secret,
    totpLastStep: toNumberOrNull(row.totp_last_step),
    mfaRequired: toBool(row.mfa_required),
    externalId: row.external_id ?? null,
    givenName: row.given_name ?? null,
    familyName: row.family_name ?? null,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

/** The account's roles as one comma-separated column (group_concat: MySQL, MariaDB, TiDB, SQLite). */
export function rolesColumn(db: Knex, accountIdColumn: string): Knex.Raw {
  return db.raw(`(select group_concat(r.role) from account_roles r where r.account_id = ${accountIdColumn}) as roles_csv`);
}

export function rolesFrom(csv: string | null | undefined): string[] {
  return csv ? csv.split(',').sort() : [];
}

const JOINED_ACCOUNT_COLUMNS = [
  'id',
  'uuid',
  'username',
  'email',
  'display_name',
  'active',
  'is_admin',
  'password_hash',
  'password_changed_at',
  'totp_secret',
  'totp_last_step',
  'mfa_required',
  'external_id',
  'given_name',
  'family_name',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof DbAccountRow)[];

/**
 * An account's columns beside another table's in one joined row (the hot lookups: the session
 * behind a cookie, the token behind a bearer), each prefixed `a_` to keep them apart, with its roles.
 */
export function prefixedAccountColumns(db: Knex, alias: string): (string | Knex.Raw)[] {
  return [...JOINED_ACCOUNT_COLUMNS.map((c) => `${alias}.${c} as a_${c}`), rolesColumn(db, `${alias}.id`)];
}

/** Each account column with its prefixed name, spelt once rather than on every row. */
const PREFIXED_ACCOUNT_COLUMNS = JOINED_ACCOUNT_COLUMNS.map((c) => [c, `a_${c}`] as const);

export function accountFromPrefixed(row: Record<string, unknown>): Account {
  const account: Record<string, unknown> = {};
  for (const [column, prefixed] of PREFIXED_ACCOUNT_COLUMNS) account[column] = row[prefixed];
  return toAccount(account as unknown as DbAccountRow, rolesFrom(row.roles_csv as string | null));
}

export class KnexAccountRepository implements AccountRepository {
  constructor(private readonly db: Knex) {}

  async insert(account: NewAccount): Promise<Account> {
    await this.db('accounts').insert({
      uuid: account.uuid,
      username: account.username,
      email: account.email,
      display_name: account.displayName,
      active: true,
      is_admin: account.isAdmin,
      password_hash: account.passwordHash,
      password_changed_at: null,
      external_id: account.externalId ?? null,
      given_name: account.givenName ?? null,
      family_name: account.familyName ?? null,
      created_at: account.at,
      updated_at: account.at,
    });
    // Read back by the unique uuid: MySQL ignores RETURNING and insert ids are not portable.
    const row = await this.db<DbAccountRow>('accounts').where({ uuid: account.uuid }).first();
    if (!row) throw new Error('inserted account not found');
    if (account.roles.length) {
      await this.db('account_roles').insert(account.roles.map((role) => ({ account_id: row.id, role })));
    }
    return toAccount(row, [...account.roles]);
  }

  findById(id: number): Promise<Account | undefined> {
    return this.findOne({ id });
  }

  findByUuid(uuid: string): Promise<Account | undefined> {
    return this.findOne({ uuid });
  }

  findByUsername(username: string): Promise<Account | undefined> {
    return this.findOne({ username });
  }

  findByEmail(email: string): Promise<Account | undefined> {
    return this.findOne({ email });
  }

  async displayNameTaken(displayName: string): Promise<boolean> {
    return (await this.db('accounts').whereRaw('lower(display_name) = ?', [displayName.toLowerCase()]).first('id')) !== undefined;
  }

  async exists(): Promise<boolean> {
    return (await this.db('accounts').first('id')) !== undefined;
  }

  async setPassword(id: number, passwordHash: string, at: Date): Promise<void> {
    await this.db('accounts').where({ id }).update({ password_hash: passwordHash, password_changed_at: at, updated_at: at });
  }

  async delete(id: number): Promise<void> {
    await this.db('account_roles').where({ account_id: id }).delete();
    await this.db('accounts').where({ id }).delete();
  }

  async setTotpSecret(id: number, sealed: string | null, at: Date): Promise<void> {
    await this.db('accounts').where({ id }).update({ totp_secret: sealed, totp_last_step: null, updated_at: at });
  }

  async claimTotpStep(id: number, step: number): Promise<boolean> {
    // One conditional UPDATE: two instances verifying the same code race here and one loses.
    const changed = await this.db('accounts')
      .where({ id })
      .andWhere((q) => q.whereNull('totp_last_step').orWhere('totp_last_step', '<', step))
      .update({ totp_last_step: step });
    return changed === 1;
  }

  findByExternalId(externalId: string): Promise<Account | undefined> {
    return this.findOne({ external_id: externalId });
  }

  async search(filter: Filter<AccountAttribute> | undefined, page: Page<AccountAttribute>): Promise<PageOf<Account>> {
    const matching = () => {
      const query = this.db('accounts');
      if (filter) applyFilter(query, filter, ACCOUNT_COLUMNS);
      return query;
    };
    const counted = await matching().count({ n: '*' }).first();
    const total = Number(counted?.n ?? 0);
    if (page.limit === 0 || total <= page.offset) return { total, items: [] };
    const sort = ACCOUNT_COLUMNS[page.sortBy ?? 'createdAt'];
    const rows = (await matching()
      .select('accounts.*', rolesColumn(this.db, 'accounts.id'))
      .orderBy([{ column: sort.where ? 'accounts.created_at' : sort.sql, order: page.descending ? 'desc' : 'asc' }, { column: 'accounts.id', order: 'asc' }])
      .offset(page.offset)
      .limit(page.limit)) as (DbAccountRow & { roles_csv: string | null })[];
    return { total, items: rows.map((row) => toAccount(row, rolesFrom(row.roles_csv))) };
  }

  async update(id: number, changes: AccountChanges, at: Date): Promise<void> {
    const columns: Record<string, unknown> = { updated_at: at };
    const map: [keyof AccountChanges, string][] = [
      ['username', 'username'],
      ['email', 'email'],
      ['displayName', 'display_name'],
      ['givenName', 'given_name'],
      ['familyName', 'family_name'],
      ['externalId', 'external_id'],
      ['active', 'active'],
      ['isAdmin', 'is_admin'],
    ];
    for (const [key, column] of map) if (changes[key] !== undefined) columns[column] = changes[key];
    await this.db('accounts').where({ id }).update(columns);
    if (changes.roles) {
      await this.db('account_roles').where({ account_id: id }).delete();
      if (changes.roles.length) await this.db('account_roles').insert([...new Set(changes.roles)].map((role) => ({ account_id: id, role })));
    }
  }

  private async findOne(where: Partial<Pick<DbAccountRow, 'id' | 'uuid' | 'username' | 'email' | 'external_id'>>): Promise<Account | undefined> {
    // Roles come along in the same round trip: every session check and login reads an account,
    // so one query instead of two is felt on the hot paths (vouch, introspection).
    const row = (await this.db<DbAccountRow>('accounts').select('accounts.*', rolesColumn(this.db, 'accounts.id')).where(where).first()) as
      | (DbAccountRow & { roles_csv: string | null })
      | undefined;
    return row ? toAccount(row, rolesFrom(row.roles_csv)) : undefined;
  }
}

/** Where each filterable account attribute is stored (usernames and emails are stored lower-cased). */
const ACCOUNT_COLUMNS: Readonly<Record<AccountAttribute, Column>> = {
  id: { sql: 'accounts.uuid', kind: 'text', caseless: true },
  username: { sql: 'accounts.username', kind: 'text', caseless: true },
  email: { sql: 'accounts.email', kind: 'text', caseless: true },
  displayName: { sql: 'accounts.display_name', kind: 'text', caseless: true },
  givenName: { sql: 'accounts.given_name', kind: 'text', caseless: true },
  familyName: { sql: 'accounts.family_name', kind: 'text', caseless: true },
  externalId: { sql: 'accounts.external_id', kind: 'text' },
  active: { sql: 'accounts.active', kind: 'boolean' },
  isAdmin: { sql: 'accounts.is_admin', kind: 'boolean' },
  createdAt: { sql: 'accounts.created_at', kind: 'date' },
  updatedAt: { sql: 'accounts.updated_at', kind: 'date' },
  role: {
    sql: 'account_roles.role',
    kind: 'text',
    // A role is one of several rows: matched through EXISTS, never by joining (no duplicate accounts).
    where: (query, op, value) => {
      const roles = (q: Knex.QueryBuilder) => q.select(1).from('account_roles').whereRaw('account_roles.account_id = accounts.id');
      if (op === 'pr') return void query.whereExists(roles);
      if (op === 'eq') return void query.whereExists((q) => roles(q).andWhere('account_roles.role', String(value).toLowerCase()));
      if (op === 'ne') return void query.whereNotExists((q) => roles(q).andWhere('account_roles.role', String(value).toLowerCase()));
      query.whereRaw('1 = 0');
    },
  },
};
