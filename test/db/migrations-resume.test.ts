import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { onMigrationStep } from '../../db/migrations/steps.js';
import { migrationSource } from '../../db/migrations/index.js';
import { migrateSafely } from '../../db/startup/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { appliedMigrations, schemaOf } from '../support/schema.js';

const quiet = { info: () => undefined, warn: () => undefined };

/** Every step a migration run takes (SQL statements on MySQL), in order. */
async function stepsOfCleanRun(database: TestDatabase): Promise<string[]> {
  const steps: string[] = [];
  onMigrationStep(async (step) => void steps.push(step));
  try {
    await migrateSafely(database.db, quiet);
  } finally {
    onMigrationStep(undefined);
  }
  return steps;
}

/**
 * MySQL commits each DDL statement by itself: a migration that stops half-way leaves a table
 * without its indexes, or columns without the migration being recorded. Here it stops before a
 * chosen step, and the next run must finish the job with no hand repair, ending with exactly the
 * schema of an uninterrupted run.
 */
describe('a migration interrupted half-way on mysql resumes on the next run', () => {
  let clean: TestDatabase;
  let steps: string[];
  let expected: string[];
  let database: TestDatabase | undefined;

  beforeAll(async () => {
    clean = await createTestDatabase('mysql');
    steps = await stepsOfCleanRun(clean);
    expected = await schemaOf(clean.db);
  });
  afterAll(async () => clean?.drop());
  afterEach(async () => {
    onMigrationStep(undefined);
    await database?.drop();
    database = undefined;
  });

  it('takes the steps of every kind this helper knows', () => {
    const kinds = ['create table', 'add unique', 'add index', 'add constraint', '` add `', 'insert into'];
    for (const kind of kinds) expect(steps.some((s) => s.includes(kind)), kind).toBe(true);
  });

  // One interruption point of each kind: after a create before its indexes, between a unique index
  // and a foreign key, inside a later migration that adds columns, before a seed row.
  const points = [
    ['before the second unique index of accounts', (s: string) => s.includes('add unique `accounts_username_unique`')],
    ['before a foreign key', (s: string) => s.includes('add constraint `sessions_account_id_foreign`')],
    ['before the seed row of setup_state', (s: string) => s === 'insert into setup_state'],
    ['before the columns the portal adds to accounts', (s: string) => /alter table `accounts` add `mfa_required`/.test(s)],
    ['before the credentials migration adds its index to api_credentials', (s: string) => s.includes('add index `api_credentials_account_family`')],
  ] as const;

  for (const [where, matches] of points) {
    it(`stopped ${where}`, async () => {
      const at = steps.findIndex(matches);
      expect(at, where).toBeGreaterThan(0);
      database = await createTestDatabase('mysql');
      let seen = 0;
      onMigrationStep(async () => {
        if (seen++ === at) throw new Error('the starter died here');
      });
      await expect(migrateSafely(database.db, quiet)).rejects.toThrow('the starter died here');
      onMigrationStep(undefined);
      expect((await appliedMigrations(database.db)).length).toBeLessThan(steps.length);

      await migrateSafely(database.db, quiet);
      expect(await appliedMigrations(database.db)).toEqual(await migrationSource.getMigrations([]));
      expect(await schemaOf(database.db)).toEqual(expected);
    });
  }
});
