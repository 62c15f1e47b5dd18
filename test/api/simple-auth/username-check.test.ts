import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sa from '../../../generated/simple-auth/sdk.gen.js';
import { DATABASES } from '../../support/databases.js';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { createUser } from '../../support/portal.js';
import { must, simpleAuthCaller } from '../../support/simple-auth.js';

/** POST /account/check answers whether a name exists: rationed per address, or it enumerates accounts. */
describe.each(DATABASES)('the username check on %s', (kind) => {
  let gh: TestGatehouse;

  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { accounts: { checksPerMinute: 5 } } });
    // Whole-minute windows: start at the beginning of one so the count below is exact.
    gh.clock.set(new Date(Math.ceil(gh.clock.now().getTime() / 60_000) * 60_000 + 1_000));
    await createUser(gh, 'ada');
  });
  afterAll(async () => gh?.stop());

  it('answers 429 with Retry-After once an address used its checks for the minute, and again in the next one', async () => {
    const { client } = await simpleAuthCaller(gh);
    const names = ['ada', 'bob', 'cy', 'dee', 'eve'];
    const answers = await Promise.all(names.map((username) => sa.checkUsername({ client, body: { username } })));
    expect(answers.map((a) => must(a).data)).toEqual(names.map((username) => ({ username, exists: username === 'ada' })));
    const refused = must(await sa.checkUsername({ client, body: { username: 'fay' } }));
    expect(refused.response.status).toBe(429);
    expect(refused.response.headers.get('retry-after')).toBe('59');
    expect(refused.error).toEqual({ error: true, message: 'rate limit exceeded', reason: 'throttled' });

    gh.clock.advance(60);
    expect(must(await sa.checkUsername({ client, body: { username: 'ada' } })).data).toEqual({ username: 'ada', exists: true });
  });
});
