import { createServer, type Server } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { expressMessages } from '../../server/express-messages.js';

/**
 * The listener's requests and responses are Express's from birth (server/express-messages.ts): the
 * prototype Express assigns in `app.handle` is the one they already have, so no request's
 * prototype changes (what made every request slow), and Express's methods and `app` still work.
 */
describe('Express request and response classes', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function serve(app: express.Express, options: Parameters<typeof createServer>[0]): Promise<string> {
    server = createServer(options, app);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  it('keeps the prototype each request was born with, with Express methods, app and settings', async () => {
    const app = express();
    const messages = expressMessages(app);
    app.set('json spaces', 1);
    app.get('/probe/:id', (req, res) => {
      res.status(201).set('X-Probe', req.params.id).json({
        requestKept: Object.getPrototypeOf(req) === messages.IncomingMessage.prototype,
        responseKept: Object.getPrototypeOf(res) === messages.ServerResponse.prototype,
        app: req.app === app && res.app === app,
        header: req.get('x-test') ?? null,
        path: req.path,
      });
    });
    const origin = await serve(app, { IncomingMessage: messages.IncomingMessage, ServerResponse: messages.ServerResponse });
    const answer = await fetch(`${origin}/probe/7?x=1`, { headers: { 'x-test': 'yes' } });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('x-probe')).toBe('7');
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await answer.text()).toBe('{\n "requestKept": true,\n "responseKept": true,\n "app": true,\n "header": "yes",\n "path": "/probe/7"\n}');
  });

  it('still serves requests of a server created without the classes (as supertest creates them)', async () => {
    const app = express();
    expressMessages(app);
    app.get('/', (req, res) => void res.json({ app: req.app === app, host: req.hostname }));
    const origin = await serve(app, {});
    const answer = await fetch(`${origin}/`);
    expect(await answer.json()).toEqual({ app: true, host: '127.0.0.1' });
  });
});
