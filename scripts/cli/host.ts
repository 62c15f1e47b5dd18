import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Command } from 'commander';

const scripts = join(import.meta.dirname, '..');

/**
 * Commands that work on the host without any administrator: they open the database with the same
 * settings as `npm start` (environment, GATEHOUSE_CONFIG). Each runs its own script, whose exit
 * code the command keeps.
 */
export function hostCommands(program: Command): void {
  const run = (script: string, args: string[]) => {
    try {
      execFileSync(process.execPath, ['--import', 'tsx', join(scripts, script), ...args], { stdio: 'inherit' });
    } catch (error) {
      process.exit((error as { status?: number }).status ?? 1);
    }
  };

  program
    .command('bootstrap-token')
    .description('(host) mint a token that creates an administrator, for an install with none left')
    .option('--ttl <seconds>', 'lifetime, 60 to 86400', '900')
    .action((o: { ttl: string }) => run('bootstrap-token.ts', [o.ttl]));

  program
    .command('migrate')
    .description('(host) apply pending database migrations; `migrate status` lists them')
    .argument('[status]', 'only list applied and pending migrations')
    .action((status?: string) => run('migrate.ts', status ? [status] : []));

  const keys = program.commands.find((c) => c.name() === 'keys')!;
  keys
    .command('rotate')
    .description('(host) new signing keys for every instance; the old ones keep verifying until their tokens expire')
    .action(() => run('keys-rotate.ts', []));
}
