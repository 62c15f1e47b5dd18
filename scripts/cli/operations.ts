import type { Command } from 'commander';
import * as admin from '../../generated/admin/sdk.gen.js';
import type { SigningKey } from '../../generated/admin/types.gen.js';
import { print } from './output.js';
import { adminClient, call, type RemoteOptions } from './remote.js';

const keyRow = (k: SigningKey) => [k.kid, k.alg, k.signing ? 'signing' : 'verifying'];

/** gatehouse keys list, audit, mail: what an operator reads. */
export function operationCommands(program: Command, options: () => RemoteOptions): void {
  const keys = program.command('keys').description('the keys that sign tokens');
  keys
    .command('list')
    .description('list signing keys (kid, algorithm, signing or verifying)')
    .action(async () => {
      const list = await call(admin.adminListSigningKeys({ client: adminClient(options()) }));
      print(options().json, list, () => list.items.map(keyRow));
    });

  program
    .command('audit')
    .description('query the audit trail, newest first (time, level, module, account, message)')
    .option('--account <account>', 'id or username')
    .option('--module <module>', 'admin, scim, directory, account, auth:…')
    .option('--since <time>', 'RFC 3339, inclusive')
    .option('--until <time>', 'RFC 3339, exclusive')
    .option('--offset <n>', 'skip this many', Number)
    .option('--limit <n>', 'at most this many (500)', Number)
    .action(async (o: { account?: string; module?: string; since?: string; until?: string; offset?: number; limit?: number }) => {
      const page = await call(admin.adminQueryAudit({ client: adminClient(options()), query: o }));
      print(options().json, page, () => page.items.map((r) => [r.at, r.level, r.module, r.account?.username, r.message]));
    });

  program
    .command('mail')
    .description('read the mail outbox of an install without SMTP (to, subject, body)')
    .option('--to <address>', 'only mail to this address')
    .option('--limit <n>', 'at most this many (500)', Number)
    .action(async (o: { to?: string; limit?: number }) => {
      const page = await call(admin.adminListMail({ client: adminClient(options()), query: o }));
      print(options().json, page, () => page.items.map((m) => [m.created_at, m.to, m.subject, m.body.replace(/\s+/g, ' ')]));
    });
}
