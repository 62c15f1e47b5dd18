import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as platform from '../../../generated/platform/sdk.gen.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { repoRoot } from '../../support/paths.js';
import { bootstrapAdmin, platformCaller } from '../../support/platform.js';
import { must } from '../../support/simple-auth.js';

const run = promisify(execFile);

/** An operator without any administrator account mints a bootstrap token on the host. */
describe('npm run bootstrap-token', () => {
  let gh: TestGatehouse;

  beforeAll(async () => {
    gh = await startGatehouse('sqlite');
    await bootstrapAdmin(gh);
  });
  afterAll(async () => gh?.stop());

  it('prints a token that creates another administrator once, against the same database', async () => {
    const env = { ...process.env, GATEHOUSE_SQLITE_PATH: gh.database.sqlitePath, GATEHOUSE_MASTER_KEY: gh.config.security.masterKey, GATEHOUSE_LOG_LEVEL: 'silent' };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts/bootstrap-token.ts'), '600'], { cwd: repoRoot, env });
    const token = /^([0-9a-f]{48})$/m.exec(stdout)?.[1];
    expect(token).toBeDefined();
    expect(stdout).toContain('/auth/bootstrap/complete');

    const body = { username: 'rescuer', password: 'rescue-password-1', bootstrap_token: token! };
    const created = must(await platform.bootstrapComplete({ client: platformCaller(gh).client, body }));
    expect(created.response.status).toBe(201);
    expect(created.data!.principal).toMatchObject({ name: 'rescuer', is_admin: true });
    const again = must(await platform.bootstrapComplete({ client: platformCaller(gh).client, body: { ...body, username: 'rescuer2' } }));
    expect(again.response.status).toBe(403);
  });

  it('refuses a lifetime outside 60..86400 seconds', async () => {
    const env = { ...process.env, GATEHOUSE_SQLITE_PATH: gh.database.sqlitePath, GATEHOUSE_MASTER_KEY: gh.config.security.masterKey };
    await expect(run(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts/bootstrap-token.ts'), '5'], { cwd: repoRoot, env })).rejects.toMatchObject({ code: 2 });
  });
});
