import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/config.js';
import { unknownEnvironmentWarnings } from '../../server/env-check.js';
import { loadConfig } from '../../server/load-config.js';

/** The message `npm start` prints (then exits 2) for a configuration it cannot use. */
function configProblem(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('configuration file problems', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-'));
  const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));

  it('name the file and the problem on one line: missing, a directory, bad YAML, not a map', () => {
    const cases: [string, string][] = [
      [join(dir, 'missing.yaml'), `invalid configuration: GATEHOUSE_CONFIG ${join(dir, 'missing.yaml')}: no such file`],
      [dir, `invalid configuration: GATEHOUSE_CONFIG ${dir}: is a directory`],
      [file('bad.yaml', 'server:\n  port: [8080\n'), `invalid configuration: GATEHOUSE_CONFIG ${join(dir, 'bad.yaml')}: not valid YAML at line 3, column 1: deficient indentation`],
      [file('list.yaml', '- server\n- database\n'), `invalid configuration: GATEHOUSE_CONFIG ${join(dir, 'list.yaml')}: expected a map of settings (server:, database:, ...), got a list`],
    ];
    for (const [path, message] of cases) expect(configProblem({ GATEHOUSE_CONFIG: path })).toBe(message);
  });

  it('reads a good file, and an empty one as no settings', () => {
    expect(loadConfig({ GATEHOUSE_CONFIG: file('ok.yaml', 'database:\n  startupTimeoutSeconds: 0\n  migrateOnStart: false\nserver:\n  shutdownTimeoutSeconds: 3\n') })).toMatchObject({
      database: { startupTimeoutSeconds: 0, migrateOnStart: false },
      server: { shutdownTimeoutSeconds: 3 },
    });
    expect(loadConfig({ GATEHOUSE_CONFIG: file('empty.yaml', '# nothing set yet\n') }).database).toMatchObject({ startupTimeoutSeconds: 60, migrateOnStart: true });
  });

  it('validates the start-up and shutdown settings like every other', () => {
    expect(configProblem({ GATEHOUSE_SHUTDOWN_TIMEOUT_SECONDS: '0', GATEHOUSE_MIGRATE_ON_START: 'maybe' })).toBe(
      'invalid configuration:\n  - server.shutdownTimeoutSeconds (GATEHOUSE_SHUTDOWN_TIMEOUT_SECONDS): 0 is outside 1..3600\n  - database.migrateOnStart (GATEHOUSE_MIGRATE_ON_START): expected true or false, got "maybe"',
    );
  });
});

describe('unknown GATEHOUSE_* environment variables', () => {
  it('are warned about one line each, with the closest known name when one is near', () => {
    expect(
      unknownEnvironmentWarnings({
        GATEHOUSE_MASTERKEY: 'x',
        GATEHOUSE_DB_STARTUP_TIMEOUT: '5',
        GATEHOUSE_MIGRATE_ON_STARTUP: 'false',
        GATEHOUSE_WHATEVER_ELSE_ENTIRELY: '1',
        GATEHOUSE_MASTER_KEY: 'known',
        GATEHOUSE_CONFIG: 'known too',
        GATEHOUSE_TEST_MYSQL_URL: 'the test suite’s own',
        PATH: '/usr/bin',
      }),
    ).toEqual([
      'unknown environment variable GATEHOUSE_DB_STARTUP_TIMEOUT is ignored; did you mean GATEHOUSE_DB_STARTUP_TIMEOUT_SECONDS?',
      'unknown environment variable GATEHOUSE_MASTERKEY is ignored; did you mean GATEHOUSE_MASTER_KEY?',
      'unknown environment variable GATEHOUSE_MIGRATE_ON_STARTUP is ignored; did you mean GATEHOUSE_MIGRATE_ON_START?',
      'unknown environment variable GATEHOUSE_WHATEVER_ELSE_ENTIRELY is ignored',
    ]);
  });
});
