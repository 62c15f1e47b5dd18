import { systemClock } from '../../core/clock.js';
import { ConfigError, type Config } from '../../core/config.js';
import { SecretBox } from '../../core/crypto.js';
import { createServices, type Services } from '../../core/services.js';
import { openDatabase } from '../../db/connect.js';
import { prepareDatabase, StartupError } from '../../db/startup/index.js';
import { createStore } from '../../db/store.js';
import { loadConfig } from '../../server/load-config.js';
import { createLogger } from '../../server/log.js';
import { loadMasterKey } from '../../server/master-key.js';

/**
 * Runs an admin command against the same database and master key as `npm start` (environment
 * variables and GATEHOUSE_CONFIG), with the identity core and no HTTP server.
 */
export function runAdminCommand(work: (services: Services, config: Config) => Promise<void>): void {
  const main = async () => {
    const config = loadConfig();
    const logger = createLogger(config.log.level);
    const db = openDatabase(config.database);
    try {
      await prepareDatabase(db, { timeoutSeconds: config.database.startupTimeoutSeconds, migrate: config.database.migrateOnStart, log: logger });
      const box = new SecretBox(loadMasterKey(config, logger));
      const services = createServices({ store: createStore(db), clock: systemClock, config, box, mailer: { send: async () => {} }, onMailError: () => {} });
      await work(services, config);
    } finally {
      await db.destroy();
    }
  };
  main().catch((error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof StartupError ? error.message : error);
    process.exit(error instanceof ConfigError ? 2 : 1);
  });
}
