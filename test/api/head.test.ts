import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sa from '../../generated/simple-auth/sdk.gen.js';
import { DATABASES } from '../support/databases.js';
import { rows } from '../support/db-assert.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { must, simpleAuthCaller } from '../support/simple-auth.js';

/** The header fields a HEAD must share with its GET (RFC 9110 §9.3.2). */
const SHARED = ['content-type', 'content-length', 'cache-control', 'x-content-type-options', 'www-authenticate'];
const fields = (response: Response) => Object.fromEntries(SHARED.map((name) => [name, response.headers.get(name)]));

/** HEAD wherever GET is served, except on a GET that changes state; 405 names what a path takes. */
describe.each(DATABASES)('HEAD and 405 on %s', (kind) => {
  let gh: TestGatehouse;
  beforeAll(async () => {
    gh = await startGatehouse(kind, { settings: { onetime: { allowForgotPassword: true, tokenSeconds: 600 } } });
    const { client } = await simpleAuthCaller(gh);
    must(await sa.createAccount({ client, body: { username: 'hana', email: 'hana@example.com', password: 'hana-password' } }));
  });
  afterAll(async () => gh?.stop());

  it('answers HEAD with the GET\'s status and header fields and no content, refusals included', async () => {
    for (const path of ['/.well-known/jwks.json', '/api/v1/account', '/api/v1/auth/vouch', '/api/auth/token-info']) {
      const get = await fetch(`${gh.url}${path}`);
      const head = await fetch(`${gh.url}${path}`, { method: 'HEAD' });
      expect(head.status, path).toBe(get.status);
      expect(fields(head), path).toEqual(fields(get));
      expect(await head.text(), path).toBe('');
      expect((await get.text()).length, path).toBeGreaterThan(0);
    }
  });

  it('refuses HEAD on a one-time link with 405, redeeming nothing: the link still signs in by GET', async () => {
    const { client } = await simpleAuthCaller(gh);
    must(await sa.createOnetime({ client, body: { email: 'hana@example.com' } }));
    await expect.poll(() => gh.mail.length).toBeGreaterThan(0);
    const link = /https?:\/\/\S+/.exec(gh.mail.at(-1)!.text)![0];
    const token = new URL(link).searchParams.get('token')!;

    const scanned = await fetch(`${gh.url}/api/v1/auth/onetime?token=${encodeURIComponent(token)}`, { method: 'HEAD', redirect: 'manual' });
    expect(scanned.status).toBe(405);
    expect(scanned.headers.get('allow')).toBe('GET, POST');
    expect(await rows(gh.runtime.db, 'one_time_tokens', { purpose: 'onetime-login' }, 'id')).toMatchObject([{ used_at: null }]);

    const visited = must(await sa.onetimeAuthenticate({ client: (await simpleAuthCaller(gh)).client, query: { token } }));
    expect(visited.response.status).toBe(302);
  });

  it('names the methods a path takes in the Allow field of every 405', async () => {
    const cases: [string, string, string][] = [
      ['PUT', '/api/v1/auth/oauth2/token_info', 'POST'],
      ['HEAD', '/api/v1/auth/oauth2/token_info', 'POST'],
      ['PATCH', '/api/v1/local/2fa', 'GET, HEAD, POST, DELETE'],
      ['DELETE', '/api/auth/token-info', 'GET, HEAD'],
      ['HEAD', '/auth/oidc/callback', 'GET'],
      // the CLI's poll hands an approved sign-in's tokens out once: a HEAD must not spend that
      ['HEAD', '/v1/auth/login-status?email=a%40example.com&session_id=x', 'GET'],
    ];
    for (const [method, path, allow] of cases) {
      const answer = await fetch(`${gh.url}${path}`, { method });
      expect(answer.status, `${method} ${path}`).toBe(405);
      expect(answer.headers.get('allow'), `${method} ${path}`).toBe(allow);
    }
  });
});
