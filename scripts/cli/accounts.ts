import type { Command } from 'commander';
import * as admin from '../../generated/admin/sdk.gen.js';
import type { Account } from '../../generated/admin/types.gen.js';
import { readSecret } from './input.js';
import { done, print } from './output.js';
import { adminClient, call, type RemoteOptions } from './remote.js';

const row = (a: Account) => [a.id, a.username, a.email, a.active ? 'active' : 'inactive', a.is_admin ? 'admin' : '', a.roles, a.totp_enabled ? 'totp' : ''];

/** gatehouse accounts …: the admin face's accounts operations. */
export function accountCommands(program: Command, options: () => RemoteOptions): void {
  const accounts = program.command('accounts').description('create, find, change, deactivate and delete accounts');

  accounts
    .command('list')
    .description('list accounts (id, username, email, state, admin, roles, totp)')
    .option('--q <text>', 'part of the username, e-mail or display name')
    .option('--role <role>', 'only accounts with this role')
    .option('--active', 'only active accounts')
    .option('--inactive', 'only deactivated accounts')
    .option('--offset <n>', 'skip this many', Number)
    .option('--limit <n>', 'at most this many (500)', Number)
    .action(async (o: { q?: string; role?: string; active?: boolean; inactive?: boolean; offset?: number; limit?: number }) => {
      const active = o.active ? true : o.inactive ? false : undefined;
      const page = await call(admin.adminListAccounts({ client: adminClient(options()), query: { q: o.q, role: o.role, active, offset: o.offset, limit: o.limit } }));
      print(options().json, page, () => page.items.map(row));
    });

  accounts
    .command('create <username>')
    .description('create an account (the password is read from standard input with --password-stdin)')
    .option('--email <email>')
    .option('--display-name <name>')
    .option('--password-stdin', 'read the password from standard input')
    .option('--role <role...>', 'roles (repeatable)')
    .option('--admin', 'make it an administrator')
    .action(async (username: string, o: { email?: string; displayName?: string; passwordStdin?: boolean; role?: string[]; admin?: boolean }) => {
      const password = o.passwordStdin ? await readSecret() : undefined;
      const body = { username, email: o.email, display_name: o.displayName, password, roles: o.role, is_admin: o.admin };
      const account = await call(admin.adminCreateAccount({ client: adminClient(options()), body }));
      print(options().json, account, () => [row(account)]);
    });

  accounts
    .command('get <account>')
    .description('show an account (by id or username)')
    .action(async (account: string) => {
      const found = await call(admin.adminGetAccount({ client: adminClient(options()), path: { account } }));
      print(options().json, found, () => [row(found)]);
    });

  accounts
    .command('update <account>')
    .description('change an account; --deactivate signs it out everywhere')
    .option('--email <email>')
    .option('--display-name <name>')
    .option('--role <role...>', 'replace its roles')
    .option('--admin', 'make it an administrator')
    .option('--no-admin', 'take administrator rights away')
    .option('--activate')
    .option('--deactivate')
    .option('--password-stdin', 'set a new password read from standard input (signs it out everywhere)')
    .action(async (account: string, o: { email?: string; displayName?: string; role?: string[]; admin?: boolean; activate?: boolean; deactivate?: boolean; passwordStdin?: boolean }, command: Command) => {
      const adminSet = command.getOptionValueSource('admin') === 'cli';
      const body = {
        ...(o.email !== undefined ? { email: o.email } : {}),
        ...(o.displayName !== undefined ? { display_name: o.displayName } : {}),
        ...(o.role ? { roles: o.role } : {}),
        ...(adminSet ? { is_admin: o.admin ?? false } : {}),
        ...(o.activate ? { active: true } : o.deactivate ? { active: false } : {}),
        ...(o.passwordStdin ? { password: await readSecret() } : {}),
      };
      const updated = await call(admin.adminUpdateAccount({ client: adminClient(options()), path: { account }, body }));
      print(options().json, updated, () => [row(updated)]);
    });

  accounts
    .command('delete <account>')
    .description('delete an account with its sessions, tokens, credentials and memberships')
    .action(async (account: string) => {
      await call(admin.adminDeleteAccount({ client: adminClient(options()), path: { account } }));
      done(options().json, `deleted ${account}`);
    });

  accounts
    .command('reset-2fa <account>')
    .description("remove an account's TOTP enrolment")
    .action(async (account: string) => {
      await call(admin.adminResetSecondFactor({ client: adminClient(options()), path: { account } }));
      done(options().json, `second factor of ${account} reset`);
    });

  accounts
    .command('sign-out <account>')
    .description('end every session and token of an account, everywhere')
    .action(async (account: string) => {
      await call(admin.adminSignOutAccount({ client: adminClient(options()), path: { account } }));
      done(options().json, `${account} signed out everywhere`);
    });
}
