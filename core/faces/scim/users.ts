import type { RequestMeta } from '../../kernel/audit.js';
import type { Kernel } from '../../kernel/index.js';
import type { Account } from '../../kernel/model.js';
import type { AccountChanges } from '../../kernel/ports.js';
import { scimErrors } from './errors.js';
import { listRequest, USER_ATTRIBUTES, type ListQuery } from './filter.js';
import { applyPatch, asBoolean, type PatchOperation } from './patch.js';
import { listResponse, project, userResource, wants, type Projection, type ScimList, type ScimUser } from './resources.js';

/** A User as a provisioning client sends it (unknown attributes and extensions already ignored). */
export interface UserInput {
  userName: string;
  externalId?: string | null | undefined;
  name?: { givenName?: string | null | undefined; familyName?: string | null | undefined } | undefined;
  displayName?: string | null | undefined;
  emails?: readonly { value: string; primary?: boolean | string | undefined }[] | undefined;
  active?: boolean | string | undefined;
  password?: string | undefined;
}

const MODULE = 'scim';
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * SCIM Users over the kernel's account administration: the kernel decides the account rules
 * (username and password rules, uniqueness, deprovisioning signs out everywhere) and writes the
 * audit row of every change; this maps SCIM's shapes onto it.
 */
export class ScimUsers {
  constructor(
    private readonly kernel: Kernel,
    private readonly baseUrl: string,
  ) {}

  async list(query: ListQuery, projection: Projection, meta: RequestMeta): Promise<ScimList<ScimUser>> {
    const { filter, startIndex, page: wanted } = listRequest(query, USER_ATTRIBUTES);
    const page = await this.kernel.accountAdmin.search(filter, wanted);
    // `groups` costs a read per user: a list carries it only when asked for by name.
    const withGroups = projection.attributes?.includes('groups') ?? false;
    const resources = await Promise.all(page.items.map(async (account) => project(await this.resource(account, withGroups), projection)));
    await this.kernel.audit.record(meta, { accountId: null, level: 'info', module: MODULE, message: `SCIM listed Users${query.filter ? ` (filter ${query.filter.slice(0, 200)})` : ''}: ${resources.length} of ${page.total}` });
    return listResponse(page.total, startIndex, resources);
  }

  async get(id: string, projection: Projection, meta: RequestMeta): Promise<Partial<ScimUser>> {
    const account = await this.find(id);
    await this.kernel.audit.record(meta, { accountId: account.id, level: 'info', module: MODULE, message: 'SCIM read User' });
    return project(await this.resource(account, wants(projection, 'groups')), projection);
  }

  async create(input: UserInput, meta: RequestMeta): Promise<ScimUser> {
    const fields = accountFields(input);
    const account = await this.kernel.accountAdmin.create(
      { ...fields, username: input.userName, displayName: fields.displayName ?? input.userName, ...(input.password !== undefined ? { password: input.password } : {}) },
      { module: MODULE, meta },
    );
    return this.resource(account, true);
  }

  /** PUT: what the body leaves out is cleared, except `active` and `password` (unchanged unless sent). */
  async replace(id: string, input: UserInput, meta: RequestMeta): Promise<ScimUser> {
    const account = await this.find(id);
    const fields = accountFields(input);
    const changes: AccountChanges & { password?: string } = { ...fields, username: input.userName, displayName: fields.displayName ?? input.userName };
    if (input.password !== undefined) changes.password = input.password;
    return this.resource(await this.kernel.accountAdmin.update(account, changed(account, changes), { module: MODULE, meta }), true);
  }

  async patch(id: string, operations: readonly PatchOperation[], meta: RequestMeta): Promise<ScimUser> {
    const account = await this.find(id);
    const current = await this.resource(account, true);
    const patched = applyPatch(current, operations, ['active', 'emails.primary']);
    const input: UserInput = { ...patched, name: patched.name ?? {} };
    const changes: AccountChanges = { ...accountFields(input), username: patched.userName };
    if (changes.displayName === undefined) changes.displayName = account.displayName;
    return this.resource(await this.kernel.accountAdmin.update(account, changed(account, changes), { module: MODULE, meta }), true);
  }

  /** Deletes the account; it is signed out everywhere with it (its sessions, grants and credentials go). */
  async delete(id: string, meta: RequestMeta): Promise<void> {
    await this.kernel.accountAdmin.delete(await this.find(id), { module: MODULE, meta });
  }

  private async find(id: string): Promise<Account> {
    const account = await this.kernel.accounts.byUuid(id);
    if (!account) throw scimErrors.notFound('User', id);
    return account;
  }

  private async resource(account: Account, withGroups: boolean): Promise<ScimUser> {
    const groups = withGroups ? (await this.kernel.directory.memberships(account.id)).map((m) => m.organization) : undefined;
    return userResource(account, this.baseUrl, groups);
  }
}

/** The account columns a SCIM User carries (`displayName` undefined when not sent). */
function accountFields(input: UserInput): Omit<AccountChanges, 'username'> & { displayName?: string } {
  const emails = input.emails ?? [];
  const primary = emails.find((e) => e.primary === true || e.primary === 'true' || e.primary === 'True') ?? emails[0];
  if (primary && !EMAIL.test(primary.value)) throw scimErrors.invalidValue('emails.value must be an e-mail address');
  return {
    email: primary?.value ?? null,
    ...(input.displayName?.trim() ? { displayName: input.displayName.trim() } : {}),
    givenName: input.name?.givenName?.trim() || null,
    familyName: input.name?.familyName?.trim() || null,
    externalId: input.externalId ?? null,
    ...(input.active !== undefined ? { active: asBoolean(input.active, 'active') } : {}),
  };
}

/** Only what differs, so the audit row names real changes and a no-op PUT changes nothing. */
function changed(account: Account, changes: AccountChanges & { password?: string }): AccountChanges & { password?: string } {
  const entries = Object.entries(changes).filter(([key, value]) => key === 'password' || (account as unknown as Record<string, unknown>)[key] !== value);
  return Object.fromEntries(entries) as AccountChanges & { password?: string };
}
