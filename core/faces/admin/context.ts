import { GatehouseError } from '../../errors.js';
import type { AdminContext } from '../../kernel/account-admin.js';
import type { RequestMeta } from '../../kernel/audit.js';
import type { Kernel } from '../../kernel/index.js';
import type { Account } from '../../kernel/model.js';
import { boundedPage } from '../../kernel/queries.js';

export const ADMIN_MODULE = 'admin';

/** Who acts: the administrator behind the token, and the request (for the audit trail). */
export interface Operator {
  account: Account;
  meta: RequestMeta;
}

export function adminContext(operator: Operator): AdminContext {
  return { module: ADMIN_MODULE, meta: operator.meta, by: operator.account };
}

/** One audit row naming the administrator, for calls whose change the kernel does not record itself. */
export function recordAdmin(kernel: Kernel, operator: Operator, message: string, accountId: number | null = null): Promise<void> {
  return kernel.audit.record(operator.meta, { accountId, level: 'info', module: ADMIN_MODULE, message: `${message} by ${operator.account.username}` });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An account named by its id (UUID) or its username, or a 404. */
export async function findAccount(kernel: Kernel, reference: string): Promise<Account> {
  const account = UUID.test(reference) ? await kernel.accounts.byUuid(reference.toLowerCase()) : await kernel.accounts.byUsernameOrEmail(reference);
  if (!account) throw new GatehouseError('not_found', { message: `no account ${reference}` });
  return account;
}

export interface PageRequest {
  offset?: number | undefined;
  limit?: number | undefined;
}

/** The page asked for, within the kernel's bounds; the admin contract's default is 50, its least 1. */
export function pageOf(request: PageRequest): { offset: number; limit: number } {
  const { offset, limit } = boundedPage({ offset: request.offset, limit: Math.max(1, request.limit ?? 50) });
  return { offset, limit };
}
