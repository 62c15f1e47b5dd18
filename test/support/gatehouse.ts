import { randomBytes } from 'node:crypto';
import { ManualClock } from '../../core/clock.js';
import { buildConfig, type Config } from '../../core/config.js';
import type { MailMessage } from '../../core/kernel/model.js';
import { createLogger, type Logger } from '../../server/log.js';
import { createRuntime, type Runtime } from '../../server/runtime.js';
import { freePort } from './net.js';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from './databases.js';

export interface TestGatehouse {
  url: string;
  runtime: Runtime;
  config: Config;
  clock: ManualClock;
  database: TestDatabase;
  /** mail the instance sent, in order */
  mail: MailMessage[];
  stop(): Promise<void>;
}

export interface StartOptions {
  /** YAML-shaped settings, as in a config file */
  settings?: Record<string, unknown>;
  /** reuse a database (several instances on one store) */
  database?: TestDatabase;
  clock?: ManualClock;
  /** keep mail in the database outbox, as an install without SMTP does (`mail` then stays empty) */
  outbox?: boolean;
  /** where the instance logs (default: stderr at GATEHOUSE_TEST_LOG, silent when unset) */
  logger?: Logger;
}

/**
 * Starts a real Gatehouse on 127.0.0.1 and a free port, on a fresh database of the given kind,
 * with response validation on and a clock the test controls.
 */
export async function startGatehouse(kind: TestDatabaseKind, options: StartOptions = {}): Promise<TestGatehouse> {
  const database = options.database ?? (await createTestDatabase(kind));
  const settings = options.settings ?? {};
  const clock = options.clock ?? new ManualClock(new Date());
  const mail: MailMessage[] = [];
  // One key for every attempt: a first attempt's runtime already sealed signing keys with it.
  const masterKey = randomBytes(32).toString('base64');
  // The port was free a moment ago; an outgoing connection (the tests open many) can take it
  // before the listener binds it: then the next free port.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const config = buildConfig(
      {},
      deepMerge(
        {
          server: { host: '127.0.0.1', port, publicUrl: `http://127.0.0.1:${port}` },
          database: { url: database.url, sqlitePath: database.sqlitePath || ':memory:' },
          security: { masterKey, bcryptCost: 4 },
          log: { level: process.env.GATEHOUSE_TEST_LOG ?? 'silent' },
        },
        settings,
      ),
    );
    const runtime = await createRuntime(config, {
      clock,
      db: database.db,
      validateResponses: true,
      logger: options.logger ?? createLogger(config.log.level),
      ...(options.outbox ? {} : { mailer: { send: async (m: MailMessage) => void mail.push(m) } }),
    });
    let url: string;
    try {
      ({ url } = await runtime.listen());
    } catch (error) {
      await runtime.close();
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < 5) continue;
      throw error;
    }
    return {
      url,
      runtime,
      config,
      clock,
      database,
      mail,
      async stop() {
        await runtime.close();
        if (!options.database) await database.drop();
      },
    };
  }
}

function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' ? deepMerge(current as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return out;
}
