import { onMigrationStep } from '../db/migrations/steps.js';
import type { Logger } from './log.js';

/**
 * Hooks the fault tests drive through the environment of a real `npm start`; unset in production.
 * GATEHOUSE_TEST_PAUSE_MIGRATION_AT_STEP=N stops for good before the Nth migration step, so a test
 * can SIGKILL a starter in the middle of a migration at a known place.
 */
export function installTestHooks(env: Record<string, string | undefined>, logger: Logger): void {
  const pauseAt = Number(env.GATEHOUSE_TEST_PAUSE_MIGRATION_AT_STEP ?? 0);
  if (!Number.isInteger(pauseAt) || pauseAt <= 0) return;
  let steps = 0;
  onMigrationStep(async (description) => {
    if (++steps < pauseAt) return;
    logger.warn(`test hook: paused before migration step ${steps}`, { step: description.slice(0, 120) });
    setInterval(() => undefined, 60_000);
    await new Promise<never>(() => undefined);
  });
}
