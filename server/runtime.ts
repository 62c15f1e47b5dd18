import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Knex } from 'knex';
import { systemClock, type Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { SecretBox } from '../core/crypto.js';
import type { Mailer } from '../core/kernel/mail.js';
import { createKernel, type Kernel } from '../core/kernel/index.js';
import type { Telemetry } from '../core/telemetry.js';
import { openDatabase } from '../db/connect.js';
import { prepareDatabase } from '../db/startup/index.js';
import { createKernelStore } from '../db/store.js';
import { buildApp } from './app.js';
import type { LeanLane } from './lean-lane.js';
import { FACES } from './faces/index.js';
import { buildFaces, type MountedFace } from './faces/mount.js';
import { createListener } from './listener.js';
import { drainServer, ServingState } from './lifecycle/shutdown.js';
import { createLogger, type Logger } from './log.js';
import { outboxMailer, smtpMailer } from './mail.js';
import { loadMasterKey } from './master-key.js';
import { createObservability } from './observability/index.js';

export interface RuntimeOptions {
  clock?: Clock;
  logger?: Logger;
  mailer?: Mailer;
  validateResponses?: boolean;
  /** an already-open database (tests share one per file) */
  db?: Knex;
  /** what the core reports (logins, guess budgets); default: Prometheus counters served at /metrics */
  telemetry?: Telemetry;
}

export interface Runtime {
  app: Express;
  /** the hot calls' lane in front of the app (what the listener serves) */
  lane: LeanLane;
  db: Knex;
  kernel: Kernel;
  /** each face's rules by face name (tests and admin commands reach a face's rules here) */
  faces: ReadonlyMap<string, MountedFace>;
  /** one face's rules (admin commands and tests use them; the type is the caller's to name) */
  rulesOf<Rules>(face: string): Rules;
  logger: Logger;
  telemetry: Telemetry;
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
  const store = createKernelStore(db);
  const observability = createObservability({ logger, db, metricsEnabled: config.metrics.enabled });
  const telemetry = options.telemetry ?? observability.telemetry;
  const box = new SecretBox(loadMasterKey(config, logger));
  const mailer = options.mailer ?? (config.mail.smtpUrl ? smtpMailer(config.mail.smtpUrl, config.mail.from) : outboxMailer(store, clock, logger));
  const kernel = createKernel({ store, clock, config, box, mailer, telemetry, onMailError: (error) => logger.error('mail not sent', { error }), onDeferredError: (error, kind) => logger.error('deferred job failed; it is tried again', { kind, error }) });
  // Fail at start-up, not on the first token request: a wrong master key cannot open the keys.
  await kernel.oauth2.keys.keys();
  const state = new ServingState();
  const faces = buildFaces(FACES, { kernel, db, config, host: { serving: state } });
  const { app, lane, messages } = buildApp({ kernel, config, faces, logger, validateResponses: options.validateResponses ?? false, observability });
  let server: Server | undefined;
  return {
    app,
    lane,
    db,
    kernel,
    faces: new Map(faces.map((f) => [f.module.face, f])),
    rulesOf<Rules>(face: string): Rules {
      const mounted = faces.find((f) => f.module.face === face);
      if (!mounted) throw new Error(`no face ${face} is mounted`);
      return mounted.rules as Rules;
    },
    logger,
    telemetry,
    state,
    listen() {
      return new Promise((resolve, reject) => {
        const { server: created, scheme } = createListener(config.server, state.wrap(lane.listener), messages);
        const s = created.listen(config.server.port, config.server.host, () => {
          server = s;
          kernel.deferred.start();
          const { port } = s.address() as { port: number };
          resolve({ server: s, url: `${scheme}://${config.server.host}:${port}` });
        });
        s.once('error', reject);
      });
    },
    async close() {
      await kernel.deferred.stop();
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      server?.closeAllConnections();
      if (!options.db) await db.destroy();
    },
    async shutdown() {
      await kernel.deferred.stop();
      if (server) {
        const { cut, milliseconds } = await drainServer(server, state, config.server.shutdownTimeoutSeconds * 1000, logger);
        logger.info(cut ? 'HTTP server stopped' : 'HTTP server stopped: every request finished', { milliseconds, cut });
      }
      if (!options.db) await db.destroy();
    },
  };
}
