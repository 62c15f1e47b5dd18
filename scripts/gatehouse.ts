/**
 * npm run gatehouse -- <noun> <verb> — the operator's command line. It drives the admin face
 * (/admin/v1) of a running Gatehouse through its generated SDK (`--url`, `--token` or
 * GATEHOUSE_URL, GATEHOUSE_TOKEN: an administrator's access token or API token), and runs the
 * host-only commands (bootstrap-token, migrate, keys rotate) against the database directly.
 * Every command has --help; --json prints the API's answer as JSON. Errors are one line on
 * standard error. Exit codes: 0 done, 1 refused by Gatehouse, 2 bad usage, 3 Gatehouse
 * unreachable or failing.
 */
import { Command, CommanderError } from 'commander';
import { accountCommands } from './cli/accounts.js';
import { clientCommands } from './cli/clients.js';
import { directoryCommands } from './cli/directory.js';
import { hostCommands } from './cli/host.js';
import { operationCommands } from './cli/operations.js';
import { CliError, EXIT, type RemoteOptions } from './cli/remote.js';

const program = new Command('gatehouse')
  .description("Gatehouse's administration: accounts, organizations, namespaces, keys, audit, mail")
  .option('--url <url>', 'Gatehouse base URL (GATEHOUSE_URL, default http://127.0.0.1:8080)')
  .option('--token <token>', "an administrator's access token or API token (GATEHOUSE_TOKEN)")
  .option('--json', 'print JSON')
  .showHelpAfterError()
  .exitOverride();

const options = () => program.opts<RemoteOptions>();
accountCommands(program, options);
directoryCommands(program, options);
operationCommands(program, options);
clientCommands(program, options);
hostCommands(program);
for (const command of program.commands) {
  command.exitOverride();
  for (const sub of command.commands) sub.exitOverride();
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; usage mistakes were printed already.
    process.exit(error.exitCode === 0 ? 0 : EXIT.usage);
  }
  console.error(`gatehouse: ${error instanceof CliError ? error.message : (error as Error).message}`);
  process.exit(error instanceof CliError ? error.exitCode : EXIT.unavailable);
}
