/**
 * npm run keys:rotate — adds a new signing key; from now on every instance signs with it. The
 * previous keys stay in /.well-known/jwks.json until the tokens they signed have expired, so
 * nothing live breaks. Reads the same configuration as `npm start` (environment variables and
 * GATEHOUSE_CONFIG); needs the master key the instances use (the private key is sealed with it).
 */
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { systemClock } from '../core/clock.js';
import { buildConfig, ConfigError } from '../core/config.js';
import { SecretBox } from '../core/crypto.js';
import { createServices } from '../core/services.js';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import { createStore } from '../db/store.js';
import { createLogger } from '../server/log.js';
import { loadMasterKey } from '../server/master-key.js';

async function main(): Promise<void> {
  const file = process.env.GATEHOUSE_CONFIG ? ((load(readFileSync(process.env.GATEHOUSE_CONFIG, 'utf8')) ?? {}) as Record<string, unknown>) : {};
  const config = buildConfig(process.env, file);
  const logger = createLogger(config.log.level);
  const db = openDatabase(config.database);
  try {
    await migrateToLatest(db);
    const store = createStore(db);
    const box = new SecretBox(loadMasterKey(config, logger));
    const services = createServices({ store, clock: systemClock, config, box, mailer: { send: async () => {} }, onMailError: () => {} });
    const before = (await services.oauth2.keys.keys()).map((k) => k.kid);
    const kid = await services.oauth2.keys.rotate();
    console.log(`new signing key ${kid} is active; still published for verification: ${before.join(', ') || 'none'}`);
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
