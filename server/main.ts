/**
 * npm start — runs Gatehouse. Configuration: environment variables and, optionally, a YAML file
 * named by GATEHOUSE_CONFIG (README, "Configuration"). Without DATABASE_URL it serves from the
 * embedded SQLite file.
 */
import { ConfigError } from '../core/config.js';
import type { PlatformRules } from '../core/faces/platform/index.js';
import { loadConfig } from './load-config.js';
import { createRuntime } from './runtime.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const runtime = await createRuntime(config);
  const { url } = await runtime.listen();
  runtime.logger.info('Gatehouse is listening', { url, database: config.database.url ? 'mysql' : config.database.sqlitePath });
  if (await runtime.rulesOf<PlatformRules>('platform').bootstrap.isFresh()) {
    runtime.logger.info(
      `fresh install: create the first administrator (no token needed for this first one) with\n` +
        `  curl -s ${config.server.publicUrl}/auth/bootstrap/complete -H 'Content-Type: application/json' -d '{"username":"admin","password":"<12+ characters>"}'\n` +
        `later administrators need a bootstrap token: POST /auth/bootstrap/tokens, or npm run bootstrap-token on this host`,
    );
  }
  const stop = async () => {
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
