import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_REQUEST } from '../../core/kernel/audit.js';
import type { Account } from '../../core/kernel/model.js';
import { DATABASES } from '../support/databases.js';
import { auditOf, startKernel, type TestKernel } from '../support/kernel.js';
import { totpAt } from '../support/totp-reference.js';

const meta = { ...NO_REQUEST, requestId: 'kernel-test', ip: '192.0.2.10' };
const context = { module: 'auth:test', meta };

/**
 * The kernel's login without HTTP or a face: every attempt ends in exactly one outcome and, when a
 * password was checked, exactly one audit row that names the specific reason; the caller only ever
 * learns the generic one.
 */
describe.each(DATABASES)('kernel login on %s', (kind) => {
  let t: TestKernel;
  let ada: Account;

  beforeAll(async () => {
    t = await startKernel(kind);
    ada = (await t.kernel.accounts.create({ username: 'ada', email: 'ada@example.com', password: 'analytical-engine' }, meta)).account;
  });
  afterAll(async () => t?.stop());

  const rowsFor = async (account: Account | null, from: number) => (await auditOf(t, account?.id ?? null)).slice(from);

  it('signs in by username or email, any case, with one audit row in the face words', async () => {
    const before = (await auditOf(t, ada.id)).length;
    for (const identifier of ['ada', ' ADA@example.com ']) {
      const outcome = await t.kernel.login.attempt({ identifier, password: 'analytical-engine' }, { ...context, succeeded: 'TEST_LOGIN' });
      expect(outcome).toMatchObject({ kind: 'signed-in', account: { id: ada.id } });
    }
    expect(await rowsFor(ada, before)).toEqual([
      { module: 'auth:test', level: 'info', message: 'TEST_LOGIN' },
      { module: 'auth:test', level: 'info', message: 'TEST_LOGIN' },
    ]);
  });

  it('refuses a wrong password and an unknown user alike (invalid-credentials), each with its own audit reason', async () => {
    const adaBefore = (await auditOf(t, ada.id)).length;
    const anonymousBefore = (await auditOf(t, null)).length;
    const wrong = await t.kernel.login.attempt({ identifier: 'ada', password: 'not-it' }, context);
    const unknown = await t.kernel.login.attempt({ identifier: 'nobody', password: 'whatever' }, context);
    expect(wrong).toEqual({ kind: 'refused', reason: 'invalid-credentials', detail: 'wrong password' });
    expect(unknown).toEqual({ kind: 'refused', reason: 'invalid-credentials', detail: 'unknown user' });
    expect(await rowsFor(ada, adaBefore)).toEqual([{ module: 'auth:test', level: 'warn', message: 'Login failed' }]);
    // The name that was tried is not written down: people type passwords into the username field.
    expect(await rowsFor(null, anonymousBefore)).toEqual([{ module: 'auth:test', level: 'warn', message: 'Login failed: unknown user' }]);
  });

  it('spends a hash on an unknown user as on a wrong password (no timing oracle)', async () => {
    const passwords = (t.kernel.login as unknown as { passwords: { verify: (...a: unknown[]) => Promise<boolean> } }).passwords;
    const calls: unknown[][] = [];
    const original = passwords.verify.bind(passwords);
    passwords.verify = async (...args: unknown[]) => (calls.push(args), original(...args));
    try {
      await t.kernel.login.attempt({ identifier: 'nobody-else', password: 'guess' }, context);
    } finally {
      passwords.verify = original;
    }
    expect(calls).toEqual([['guess', undefined]]);
  });

  it('names an inactive account and open stipulations only after the right password', async () => {
    const grace = (await t.kernel.accounts.create({ username: 'grace', email: null, password: 'cobol-compiler' }, meta)).account;
    await t.kernel.accountAdmin.update(grace, { active: false }, { module: 'test', meta });
    expect(await t.kernel.login.attempt({ identifier: 'grace', password: 'wrong-password' }, context)).toMatchObject({ reason: 'invalid-credentials' });
    expect(await t.kernel.login.attempt({ identifier: 'grace', password: 'cobol-compiler' }, context)).toMatchObject({ kind: 'refused', reason: 'inactive' });
    expect((await auditOf(t, grace.id)).at(-1)).toEqual({ module: 'auth:test', level: 'warn', message: 'Login refused: inactive account' });
  });

  it('asks for the second factor after the password, takes a code once, and refuses a replay', async () => {
    const secret = t.kernel.totp.newSecret();
    t.clock.advance(30);
    await t.kernel.twoFactor.enrol(ada, secret, totpAt(secret, t.clock.now()), meta, 'auth:test');
    const enrolled = (await t.kernel.accounts.byId(ada.id))!;
    expect(enrolled.totpSecretSealed).not.toBeNull();

    const missing = await t.kernel.login.attempt({ identifier: 'ada', password: 'analytical-engine' }, context);
    expect(missing).toMatchObject({ kind: 'second-factor-required', account: { id: ada.id } });
    t.clock.advance(30);
    const code = totpAt(secret, t.clock.now());
    expect(await t.kernel.login.attempt({ identifier: 'ada', password: 'analytical-engine', totp: code }, context)).toMatchObject({ kind: 'signed-in' });
    expect(await t.kernel.login.attempt({ identifier: 'ada', password: 'analytical-engine', totp: code }, context)).toEqual({ kind: 'refused', reason: 'second-factor-failed', detail: 'wrong or replayed TOTP code' });
    const last = (await auditOf(t, ada.id)).slice(-3).map((r) => r.message);
    expect(last).toEqual(['Password accepted; second factor required', 'Login Successful', 'TOTP Rejected']);
  });

  it('lets a face refuse admission after the password (one row, the face message)', async () => {
    const before = (await auditOf(t, ada.id)).length;
    const outcome = await t.kernel.login.attempt({ identifier: 'ada', password: 'analytical-engine' }, { ...context, admit: async () => 'Not a member of this portal' });
    expect(outcome).toEqual({ kind: 'refused', reason: 'not-admitted', detail: 'Not a member of this portal' });
    expect(await rowsFor(ada, before)).toEqual([{ module: 'auth:test', level: 'warn', message: 'Not a member of this portal' }]);
  });

  it('reports every outcome to telemetry with the face and the generic reason', () => {
    expect(t.outcomes.slice(0, 4)).toEqual([
      { face: 'test', outcome: 'signed-in', reason: undefined },
      { face: 'test', outcome: 'signed-in', reason: undefined },
      { face: 'test', outcome: 'refused', reason: 'invalid-credentials' },
      { face: 'test', outcome: 'refused', reason: 'invalid-credentials' },
    ]);
  });
});
