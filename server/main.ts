/**
 * npm start — runs Gatehouse. Configuration: environment variables and, optionally, a YAML file
 * named by GATEHOUSE_CONFIG (README, "Configuration"). Without DATABASE_URL it serves from the
 * embedded SQLite file. Every way start-up can fail ends in one log line, never a stack: 2 for a
 * configuration problem, 1 for anything else (the database never came, the port is taken).
 */
import { ConfigError, type Config } from '../core/config.js';
import type { PlatformRules } from '../core/faces/platform/index.js';
import { StartupError } from '../db/startup/index.js';
import { unknownEnvironmentWarnings } from './env-check.js';
import { loadConfig } from './load-config.js';
import { createLogger, type Logger } from './log.js';
import { createRuntime, type Runtime } from './runtime.js';
import { installTestHooks } from './test-hooks.js';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}

/** What start-up failed on, for the operator: known causes in words, anything else with its error. */
function startupFailure(logger: Logger, error: unknown, config: Config): never {
  const e = error as NodeJS.ErrnoException;
  if (error instanceof StartupError) logger.error(`start-up failed: ${error.message}`);
  else if (e?.code === 'EADDRINUSE') logger.error(`start-up failed: ${config.server.host}:${config.server.port} is already in use`);
  else if (e?.code === 'EACCES' && e.syscall === 'listen') logger.error(`start-up failed: no permission to listen on ${config.server.host}:${config.server.port}`);
  else logger.error('start-up failed', { error });
  process.exit(1);
}

async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.log.level);
  for (const warning of unknownEnvironmentWarnings(process.env)) logger.warn(warning);
  installTestHooks(process.env, logger);

  let runtime: Runtime | undefined;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // npm forwards the signal it receives, and a supervisor may signal the whole process group:
    // the same stop can arrive twice, and the second must not cut the first one short.
    if (stopping) return;
    stopping = true;
    if (!runtime) {
      logger.info(`${signal} received before serving: stopping`);
      process.exit(0);
    }
    logger.info(`${signal} received: draining (readiness fails now; requests in flight get ${config.server.shutdownTimeoutSeconds} s)`);
    // A last resort if closing the database hangs on a dead server.
    setTimeout(() => process.exit(0), config.server.shutdownTimeoutSeconds * 1000 + 5_000).unref();
    runtime.shutdown().then(
      () => (logger.info('stopped'), process.exit(0)),
      (error: unknown) => (logger.error('shutdown failed', { error }), process.exit(0)),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  try {
    const started = await createRuntime(config, { logger });
    const { url } = await started.listen();
    runtime = started;
    logger.info('Gatehouse is listening', { url, database: config.database.url ? 'mysql' : config.database.sqlitePath });
    if (await started.rulesOf<PlatformRules>('platform').bootstrap.isFresh()) {
      logger.info(
        `fresh install: create the first administrator (no token needed for this first one) with\n` +
          `  curl -s ${config.server.publicUrl}/auth/bootstrap/complete -H 'Content-Type: application/json' -d '{"username":"admin","password":"<12+ characters>"}'\n` +
          `later administrators need a bootstrap token: POST /auth/bootstrap/tokens, or npm run bootstrap-token on this host`,
      );
    }
  } catch (error) {
    startupFailure(logger, error, config);
  }
}

await main();
