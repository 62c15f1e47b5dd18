import { GatehouseError } from '../../errors.js';
import type { Kernel } from '../../kernel/index.js';
import type { Account } from '../../kernel/model.js';
import type { AccountChanges } from '../../kernel/ports.js';
import type { AccountAttribute, Filter, PageOf } from '../../kernel/queries.js';
import { adminContext, findAccount, pageOf, recordAdmin, type Operator, type PageRequest } from './context.js';

export interface AccountSearch extends PageRequest {
  q?: string | undefined;
  role?: string | undefined;
  active?: boolean | undefined;
}

export interface NewAccount {
  username: string;
  email?: string | null | undefined;
  password?: string | undefined;
  displayName?: string | undefined;
  givenName?: string | null | undefined;
  familyName?: string | null | undefined;
  roles?: string[] | undefined;
  isAdmin?: boolean | undefined;
  active?: boolean | undefined;
}

/**
 * Accounts as an operator manages them, over the kernel's account administration (which applies
 * the same rules as every face, signs a deactivated account out everywhere and writes the audit
 * row naming the administrator).
 */
export class AdminAccounts {
  constructor(private readonly kernel: Kernel) {}

  async list(search: AccountSearch, operator: Operator): Promise<PageOf<Account> & { offset: number; limit: number }> {
    const conditions: Filter<AccountAttribute>[] = [];
    if (search.q) conditions.push({ op: 'or', filters: (['username', 'email', 'displayName'] as const).map((attribute) => ({ op: 'co' as const, attribute, value: search.q! })) });
    if (search.role) conditions.push({ op: 'eq', attribute: 'role', value: search.role });
    if (search.active !== undefined) conditions.push({ op: 'eq', attribute: 'active', value: search.active });
    const page = pageOf(search);
    const found = await this.kernel.accountAdmin.search(conditions.length ? { op: 'and', filters: conditions } : undefined, { ...page, sortBy: 'username' });
    await recordAdmin(this.kernel, operator, `Accounts listed (${found.items.length} of ${found.total})`);
    return { ...found, ...page };
  }

  async get(reference: string, operator: Operator): Promise<Account> {
    const account = await findAccount(this.kernel, reference);
    await recordAdmin(this.kernel, operator, 'Account read', account.id);
    return account;
  }

  create(input: NewAccount, operator: Operator): Promise<Account> {
    return this.kernel.accountAdmin.create(input, adminContext(operator));
  }

  async update(reference: string, changes: AccountChanges & { password?: string }, operator: Operator): Promise<Account> {
    const account = await findAccount(this.kernel, reference);
    if (changes.active === false) this.notSelf(account, operator, 'deactivate');
    return this.kernel.accountAdmin.update(account, changes, adminContext(operator));
  }

  async delete(reference: string, operator: Operator): Promise<void> {
    const account = await findAccount(this.kernel, reference);
    this.notSelf(account, operator, 'delete');
    await this.kernel.accountAdmin.delete(account, adminContext(operator));
  }

  async resetSecondFactor(reference: string, operator: Operator): Promise<void> {
    await this.kernel.accountAdmin.resetSecondFactor(await findAccount(this.kernel, reference), adminContext(operator));
  }

  async signOut(reference: string, operator: Operator): Promise<void> {
    await this.kernel.accountAdmin.signOutEverywhere(await findAccount(this.kernel, reference), adminContext(operator));
  }

  /** An administrator cannot lock themselves out with their own token (the last one could not come back). */
  private notSelf(account: Account, operator: Operator, what: string): void {
    if (account.id === operator.account.id) throw new GatehouseError('conflict', { message: `you cannot ${what} your own account` });
  }
}
