import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import type { Knex } from 'knex';
import { systemClock, type Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { SecretBox } from '../core/crypto.js';
import type { Mailer } from '../core/mail.js';
import { createServices, type Services } from '../core/services.js';
import { openDatabase } from '../db/connect.js';
import { prepareDatabase } from '../db/startup/index.js';
import { createStore } from '../db/store.js';
import { buildApp } from './app.js';
import { mountedFaces } from './faces.js';
import { drainServer, ServingState } from './lifecycle/shutdown.js';
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
  /** draining or not (readiness reads it) */
  state: ServingState;
  listen(): Promise<{ server: Server; url: string }>;
  /** at once: stops listening, cuts connections, closes the database */
  close(): Promise<void>;
  /** gracefully (SIGTERM): readiness fails, requests in flight finish until the shutdown deadline */
  shutdown(): Promise<void>;
}

/** Everything one Gatehouse process needs, assembled from a validated config. */
export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.log.level);
  const clock = options.clock ?? systemClock;
  const db = options.db ?? openDatabase({ ...config.database, log: logger });
  await prepareDatabase(db, { timeoutSeconds: config.database.startupTimeoutSeconds, migrate: config.database.migrateOnStart, log: logger });
  const store = createStore(db);
  const box = new SecretBox(loadMasterKey(config, logger));
  const mailer = options.mailer ?? (config.mail.smtpUrl ? smtpMailer(config.mail.smtpUrl, config.mail.from) : outboxMailer(store, clock, logger));
  const services = createServices({ store, clock, config, box, mailer, onMailError: (error) => logger.error('mail not sent', { error }) });
  // Fail at start-up, not on the first token request: a wrong master key cannot open the keys.
  await services.oauth2.keys.keys();
  const state = new ServingState();
  const app = buildApp({ services, faces: mountedFaces(config, state), logger, validateResponses: options.validateResponses ?? false });
  let server: Server | undefined;
  return {
    app,
    db,
    services,
    logger,
    state,
    listen() {
      return new Promise((resolve, reject) => {
        const s = createServer(state.wrap(app)).listen(config.server.port, config.server.host, () => {
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
    async shutdown() {
      if (server) {
        const { cut, milliseconds } = await drainServer(server, state, config.server.shutdownTimeoutSeconds * 1000, logger);
        logger.info(cut ? 'HTTP server stopped' : 'HTTP server stopped: every request finished', { milliseconds, cut });
      }
      if (!options.db) await db.destroy();
    },
  };
}
