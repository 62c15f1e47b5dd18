import { systemClock } from '../../core/clock.js';
import { ConfigError, type Config } from '../../core/config.js';
import { SecretBox } from '../../core/crypto.js';
import { createKernel, type Kernel } from '../../core/kernel/index.js';
import { openDatabase } from '../../db/connect.js';
import { prepareDatabase, StartupError } from '../../db/startup/index.js';
import { createKernelStore } from '../../db/store.js';
import { FACES } from '../../server/faces/index.js';
import { buildFaces } from '../../server/faces/mount.js';
import { loadConfig } from '../../server/load-config.js';
import { createLogger } from '../../server/log.js';
import { loadMasterKey } from '../../server/master-key.js';

/** What an admin command works with: the kernel, a face's rules by name, the configuration. */
export interface AdminContext {
  kernel: Kernel;
  rulesOf<Rules>(face: string): Rules;
  config: Config;
}

/**
 * Runs an admin command against the same database and master key as `npm start` (environment
 * variables and GATEHOUSE_CONFIG), with the identity kernel and the faces' rules, no HTTP server.
 */
export function runAdminCommand(work: (context: AdminContext) => Promise<void>): void {
  const main = async () => {
    const config = loadConfig();
    const logger = createLogger(config.log.level);
    const db = openDatabase(config.database);
    try {
      await prepareDatabase(db, { timeoutSeconds: config.database.startupTimeoutSeconds, migrate: config.database.migrateOnStart, log: logger });
      const box = new SecretBox(loadMasterKey(config, logger));
      const kernel = createKernel({ store: createKernelStore(db), clock: systemClock, config, box, mailer: { send: async () => {} }, onMailError: () => {} });
      const faces = buildFaces(FACES, { kernel, db, config });
      const rulesOf = <Rules>(face: string): Rules => faces.find((f) => f.module.face === face)!.rules as Rules;
      await work({ kernel, rulesOf, config });
    } finally {
      await db.destroy();
    }
  };
  main().catch((error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof StartupError ? error.message : error);
    process.exit(error instanceof ConfigError ? 2 : 1);
  });
}
