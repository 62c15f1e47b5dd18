/**
 * Portal organizations from the host (the portal contract has no operation that creates them):
 *   node --import tsx scripts/organization.ts create "<name>"              → prints the new id
 *   node --import tsx scripts/organization.ts member <org id> <user> <role> → adds or re-roles
 * `<user>` is a username or an email; `admin` members may impersonate fellow members.
 */
import { NO_REQUEST } from '../core/kernel/audit.js';
import { runAdminCommand } from './lib/admin-cli.js';

const [command, ...args] = process.argv.slice(2);
const meta = { ...NO_REQUEST, requestId: 'admin-cli' };

if (command === 'create' && args.length === 1) {
  runAdminCommand(async ({ kernel }) => {
    const organization = await kernel.directory.createOrganization(args[0]!, meta);
    console.log(`${organization.uuid}\t${organization.name}`);
  });
} else if (command === 'member' && args.length === 3) {
  runAdminCommand(async ({ kernel }) => {
    await kernel.directory.setMember(args[0]!, args[1]!, args[2]!, meta);
    console.log(`${args[1]} is now ${args[2]} of ${args[0]}`);
  });
} else {
  console.error('usage: organization.ts create <name> | member <organization id> <username or email> <role>');
  process.exit(2);
}
