import type { Command } from 'commander';
import * as admin from '../../generated/admin/sdk.gen.js';
import type { Member, Namespace, Organization } from '../../generated/admin/types.gen.js';
import { done, print } from './output.js';
import { adminClient, call, type RemoteOptions } from './remote.js';

const orgRow = (o: Organization) => [o.id, o.name, o.external_id];
const memberRow = (m: Member) => [m.account.id, m.account.username, m.account.email, m.role];
const namespaceRow = (n: Namespace) => [n.name, n.credentials, n.created_at];

/** gatehouse orgs … and gatehouse namespaces …: the directory. */
export function directoryCommands(program: Command, options: () => RemoteOptions): void {
  const orgs = program.command('orgs').description('organizations and their members');
  orgs
    .command('list')
    .description('list organizations (id, name, external id)')
    .option('--q <text>', 'part of the name')
    .option('--offset <n>', 'skip this many', Number)
    .option('--limit <n>', 'at most this many (500)', Number)
    .action(async (o: { q?: string; offset?: number; limit?: number }) => {
      const page = await call(admin.adminListOrganizations({ client: adminClient(options()), query: o }));
      print(options().json, page, () => page.items.map(orgRow));
    });
  orgs
    .command('create <name>')
    .description('create an organization; prints its id first')
    .action(async (name: string) => {
      const created = await call(admin.adminCreateOrganization({ client: adminClient(options()), body: { name } }));
      print(options().json, created, () => [orgRow(created)]);
    });
  orgs
    .command('rename <organization> <name>')
    .description('rename an organization')
    .action(async (organization: string, name: string) => {
      const renamed = await call(admin.adminUpdateOrganization({ client: adminClient(options()), path: { organization }, body: { name } }));
      print(options().json, renamed, () => [orgRow(renamed)]);
    });
  orgs
    .command('delete <organization>')
    .description('delete an organization and its memberships')
    .action(async (organization: string) => {
      await call(admin.adminDeleteOrganization({ client: adminClient(options()), path: { organization } }));
      done(options().json, `deleted ${organization}`);
    });
  orgs
    .command('members <organization>')
    .description('list members (account id, username, email, role)')
    .action(async (organization: string) => {
      const members = await call(admin.adminListMembers({ client: adminClient(options()), path: { organization } }));
      print(options().json, members, () => members.items.map(memberRow));
    });
  orgs
    .command('add-member <organization> <account>')
    .description('add an account (id, username or e-mail) or change its role')
    .option('--role <role>', 'member, admin, …', 'member')
    .action(async (organization: string, account: string, o: { role: string }) => {
      const member = await call(admin.adminSetMember({ client: adminClient(options()), path: { organization, account }, body: { role: o.role } }));
      print(options().json, member, () => [memberRow(member)]);
    });
  orgs
    .command('remove-member <organization> <account>')
    .description('remove a member')
    .action(async (organization: string, account: string) => {
      await call(admin.adminRemoveMember({ client: adminClient(options()), path: { organization, account } }));
      done(options().json, `removed ${account} from ${organization}`);
    });

  const namespaces = program.command('namespaces').description('credential namespaces of the credentials face');
  namespaces
    .command('list')
    .description('list namespaces (name, credentials, created)')
    .action(async () => {
      const list = await call(admin.adminListNamespaces({ client: adminClient(options()) }));
      print(options().json, list, () => list.items.map(namespaceRow));
    });
  namespaces
    .command('create <name>')
    .description('create a namespace')
    .action(async (name: string) => {
      const created = await call(admin.adminCreateNamespace({ client: adminClient(options()), body: { name } }));
      print(options().json, created, () => [namespaceRow(created)]);
    });
  namespaces
    .command('delete <name>')
    .description('delete an empty namespace')
    .action(async (name: string) => {
      await call(admin.adminDeleteNamespace({ client: adminClient(options()), path: { namespace: name } }));
      done(options().json, `deleted ${name}`);
    });
}
