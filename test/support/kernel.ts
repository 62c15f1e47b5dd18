import { randomBytes } from 'node:crypto';
import { ManualClock } from '../../core/clock.js';
import { buildConfig, type Config } from '../../core/config.js';
import { SecretBox } from '../../core/crypto.js';
import { createKernel, type Kernel } from '../../core/kernel/index.js';
import type { MailMessage } from '../../core/kernel/model.js';
import type { Telemetry } from '../../core/telemetry.js';
import { migrateToLatest } from '../../db/connect.js';
import { createKernelStore } from '../../db/store.js';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from './databases.js';

export interface TestKernel {
  kernel: Kernel;
  database: TestDatabase;
  clock: ManualClock;
  config: Config;
  mail: MailMessage[];
  /** every login outcome the kernel reported, in order */
  outcomes: { face: string; outcome: string; reason?: string | undefined }[];
  stop(): Promise<void>;
}

/**
 * The identity kernel alone over a fresh migrated database: no HTTP, no framework, no face. What
 * the kernel decides is tested here; the faces' words for it are tested through their APIs.
 */
export async function startKernel(kind: TestDatabaseKind, settings: Record<string, unknown> = {}): Promise<TestKernel> {
  const database = await createTestDatabase(kind);
  await migrateToLatest(database.db);
  const config = buildConfig({}, { database: { sqlitePath: ':memory:' }, security: { bcryptCost: 4 }, ...settings });
  const clock = new ManualClock(new Date('2026-12-03T10:00:00Z'));
  const mail: MailMessage[] = [];
  const outcomes: TestKernel['outcomes'] = [];
  const telemetry: Telemetry = { loginOutcome: (face, outcome, reason) => void outcomes.push({ face, outcome, reason }), guessBudget: () => undefined };
  const kernel = createKernel({
    store: createKernelStore(database.db),
    clock,
    config,
    box: new SecretBox(randomBytes(32)),
    mailer: { send: async (m) => void mail.push(m) },
    onMailError: () => undefined,
    telemetry,
  });
  return { kernel, database, clock, config, mail, outcomes, stop: () => database.drop() };
}

/** The audit messages written for an account, oldest first. */
export async function auditOf(t: TestKernel, accountId: number | null): Promise<{ module: string; level: string; message: string }[]> {
  const query = t.database.db('audit_records').orderBy('id').select('module', 'level', 'message');
  return accountId === null ? query.whereNull('account_id') : query.where({ account_id: accountId });
}
