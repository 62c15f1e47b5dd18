import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as platform from '../../../generated/platform/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { rateLimitWindows } from '../../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { platformCaller } from '../../support/platform.js';
import { must } from '../../support/simple-auth.js';

describe.each(DATABASES)('platform request-rate limit on %s', (kind) => {
  let gh: TestGatehouse;

  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { platform: { requestsPerMinute: 3 } } });
    // Windows are whole minutes: start the test at the beginning of one.
    gh.clock.set(new Date(Math.ceil(gh.clock.now().getTime() / 60_000) * 60_000 + 1_000));
  });
  afterAll(async () => gh?.stop());

  const attempt = async () => must(await platform.localLogin({ client: platformCaller(gh).client, body: { username: 'nobody', password: 'some-password' } }));

  it('answers 429 with Retry-After once an address exceeds the limit, counted in the shared database', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt()).response.status).toBe(403);
    const limited = await attempt();
    expect(limited.response.status).toBe(429);
    expect(limited.error).toEqual({ code: 429, message: 'rate limit exceeded' });
    expect(Number(limited.response.headers.get('retry-after'))).toBe(59);
    expect(await rateLimitWindows(gh.runtime.db)).toEqual([['platform:127.0.0.1', 4]]);
  });

  it('lets the address in again in the next window and clears old windows', async () => {
    gh.clock.advance(60 * 11);
    expect((await attempt()).response.status).toBe(403);
    expect(await rateLimitWindows(gh.runtime.db)).toEqual([['platform:127.0.0.1', 1]]);
  });
});
