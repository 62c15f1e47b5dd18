import { randomBytes } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfig } from '../../../core/config.js';
import * as sa from '../../../generated/simple-auth/sdk.gen.js';
import { createLogger } from '../../../server/log.js';
import { createRuntime, type Runtime } from '../../../server/runtime.js';
import { createTestDatabase, type TestDatabase } from '../../support/databases.js';
import { rows } from '../../support/db-assert.js';
import { freePort } from '../../support/net.js';
import { BrowserLikeClient } from '../../support/http.js';
import { createClient } from '../../../generated/simple-auth/client/index.js';
import { must } from '../../support/simple-auth.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** Mail leaves through real SMTP when configured, and lands in the outbox table when not. */
describe('outgoing mail', () => {
  let smtp: SMTPServer;
  let smtpPort: number;
  const received: Received[] = [];

  beforeAll(async () => {
    smtpPort = await freePort();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
        stream.on('end', () => {
          received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
  });
  afterAll(async () => new Promise<void>((resolve) => smtp.close(() => resolve())));

  async function start(database: TestDatabase, smtpUrl: string | undefined): Promise<{ runtime: Runtime; url: string }> {
    const port = await freePort();
    const config = buildConfig(
      {},
      {
        server: { host: '127.0.0.1', port, publicUrl: `http://127.0.0.1:${port}` },
        database: { sqlitePath: database.sqlitePath },
        security: { masterKey: randomBytes(32).toString('base64'), bcryptCost: 4 },
        onetime: { allowForgotPassword: true },
        mail: { smtpUrl, from: 'Gatehouse <id@example.com>' },
        log: { level: 'silent' },
      },
    );
    const runtime = await createRuntime(config, { db: database.db, validateResponses: true, logger: createLogger('silent') });
    const { url } = await runtime.listen();
    return { runtime, url };
  }

  async function requestLink(url: string): Promise<void> {
    const browser = new BrowserLikeClient();
    await browser.fetch(`${url}/login`);
    const client = createClient({ baseUrl: `${url}/api/v1`, fetch: browser.fetch });
    must(await sa.createAccount({ client, body: { username: 'mary', email: 'mary@example.com', password: 'mary-password' } }));
    expect(must(await sa.createOnetime({ client, body: { email: 'mary@example.com' } })).response.status).toBe(200);
  }

  it('sends through SMTP with the configured sender', async () => {
    const database = await createTestDatabase('sqlite');
    const { runtime, url } = await start(database, `smtp://127.0.0.1:${smtpPort}`);
    try {
      await requestLink(url);
      await expect.poll(() => received.length, { timeout: 5000 }).toBe(1);
      expect(received[0]).toMatchObject({ from: 'id@example.com', to: ['mary@example.com'] });
      expect(received[0]!.raw).toMatch(/Subject: Your sign-in link/);
      expect(received[0]!.raw).toMatch(/\/api\/v1\/auth\/onetime\?token=/);
      expect(await rows(database.db, 'mail_outbox')).toEqual([]);
    } finally {
      await runtime.close();
      await database.drop();
    }
  });

  it('keeps mail in the outbox table when no SMTP server is configured', async () => {
    const database = await createTestDatabase('sqlite');
    const { runtime, url } = await start(database, undefined);
    try {
      await requestLink(url);
      await expect.poll(async () => (await rows(database.db, 'mail_outbox')).length).toBe(1);
      const [mail] = await rows(database.db, 'mail_outbox');
      expect(mail).toMatchObject({ recipient: 'mary@example.com', subject: 'Your sign-in link' });
      expect(String(mail!.body)).toMatch(/\/api\/v1\/auth\/onetime\?token=/);
    } finally {
      await runtime.close();
      await database.drop();
    }
  });
});
