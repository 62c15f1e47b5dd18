import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Knex } from 'knex';
import { systemClock, type Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { SecretBox } from '../core/crypto.js';
import type { Mailer } from '../core/mail.js';
import { createServices, type Services } from '../core/services.js';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import { storeReadiness } from '../db/health.js';
import { createStore } from '../db/store.js';
import { buildApp } from './app.js';
import { mountedFaces } from './faces.js';
import { createLogger, type Logger } from './log.js';
import { outboxMailer, smtpMailer } from './mail.js';
import { loadMasterKey } from './master-key.js';

export interface RuntimeOptions {
  clock?: Clock;
  logger?: Logger;
  mailer?: Mailer;
  validateResponses?: boolean;
  /** an already-open database (tests share one per file) */
  db?: Knex;
}

export interface Runtime {
  app: Express;
  db: Knex;
  services: Services;
  logger: Logger;
  listen(): Promise<{ server: Server; url: string }>;
  close(): Promise<void>;
}

/** Everything one Gatehouse process needs, assembled from a validated config. */
export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.log.level);
  const clock = options.clock ?? systemClock;
  const db = options.db ?? openDatabase({ ...config.database, log: logger });
  await migrateToLatest(db);
  const store = createStore(db);
  const box = new SecretBox(loadMasterKey(config, logger));
  const mailer = options.mailer ?? (config.mail.smtpUrl ? smtpMailer(config.mail.smtpUrl, config.mail.from) : outboxMailer(store, clock, logger));
  const services = createServices({ store, clock, config, box, mailer, onMailError: (error) => logger.error('mail not sent', { error }) });
  // Fail at start-up, not on the first token request: a wrong master key cannot open the keys.
  await services.oauth2.keys.keys();
  const app = buildApp({ services, faces: mountedFaces(config), logger, validateResponses: options.validateResponses ?? false, storeReadiness: () => storeReadiness(db) });
  let server: Server | undefined;
  return {
    app,
    db,
    services,
    logger,
    listen() {
      return new Promise((resolve, reject) => {
        const s = app.listen(config.server.port, config.server.host, () => {
          server = s;
          const { port } = s.address() as { port: number };
          resolve({ server: s, url: `http://${config.server.host}:${port}` });
        });
        s.once('error', reject);
      });
    },
    async close() {
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      server?.closeAllConnections();
      if (!options.db) await db.destroy();
    },
  };
}
