import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouteTable } from '../../server/route-table.js';
import { FACES } from '../../server/faces/index.js';

/** Every operation of every face, in the order the app registers them. */
const OPERATIONS = FACES.flatMap((face) => Object.entries(face.routes).map(([operationId, route]) => ({ operationId, method: route.method, expressPath: route.expressPath })));

/**
 * Requests to each operation, spelled as clients spell them: exact, with a trailing slash, in
 * upper case, with a query string, with encoded and odd parameter values; and paths near them.
 */
function probes(): [string, string][] {
  const list: [string, string][] = [];
  for (const { method, expressPath } of OPERATIONS) {
    const m = method.toUpperCase();
    const filled = expressPath.replace(/:(\w+)/g, (_, name: string) => `${name}-1`);
    list.push([m, filled], [m, `${filled}/`], [m, filled.toUpperCase()], [m, `${filled}//`], [m, `${filled}/extra`]);
    if (expressPath.includes(':')) {
      list.push([m, expressPath.replace(/:\w+/g, 'a%20b')], [m, expressPath.replace(/:\w+/g, 'new')], [m, expressPath.replace(/:\w+/g, '%E2%82%AC')], [m, expressPath.replace(/:\w+/g, '')]);
    }
    if (m === 'GET') list.push(['HEAD', filled]);
  }
  list.push(['GET', '/'], ['GET', '/nowhere'], ['OPTIONS', '/api/v1/auth/vouch']);
  return list;
}

describe('the route table', () => {
  let origin = '';
  let close: () => void = () => undefined;

  // The reference: Express 5 with one route per operation, which is what the table replaces.
  beforeAll(async () => {
    const app = express();
    for (const { method, expressPath, operationId } of OPERATIONS) {
      (app as unknown as Record<string, (path: string, h: express.RequestHandler) => void>)[method]!(expressPath, (req, res) => void res.set('x-operation', operationId).json(req.params));
    }
    app.use((_req, res) => void res.status(404).end());
    app.use(((error, _req, res, _next) => void res.status(error.status ?? 500).set('x-error', String(error.message)).end()) as express.ErrorRequestHandler);
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it('reaches the operation, with the parameters, that Express reached', async () => {
    const table = new RouteTable(OPERATIONS.map((op) => ({ method: op.method, expressPath: op.expressPath, value: op.operationId })));
    const all = probes();
    expect(all.length).toBeGreaterThan(OPERATIONS.length * 5);
    const differences: unknown[] = [];
    for (const [method, path] of all) {
      const response = await fetch(`${origin}${path}?q=1`, { method });
      const express = response.headers.get('x-operation') ?? (response.status === 400 ? 'bad request' : undefined);
      const expressParams = response.headers.get('x-operation') && method !== 'HEAD' ? await response.json() : undefined;
      let ours: string | undefined;
      let params: unknown;
      try {
        const found = table.match(method, path);
        ours = found?.value;
        params = method !== 'HEAD' && found ? found.params : undefined;
      } catch (error) {
        ours = (error as { status?: number }).status === 400 ? 'bad request' : 'thrown';
      }
      if (ours !== express || JSON.stringify(params) !== JSON.stringify(expressParams)) differences.push({ method, path, express, ours, expressParams, params });
    }
    expect(differences).toEqual([]);
  });

  it('answers a malformed escape in a parameter as Express does: 400', () => {
    const table = new RouteTable([{ method: 'get', expressPath: '/things/:id', value: 'getThing' }]);
    expect(() => table.match('GET', '/things/%E2%82')).toThrow(expect.objectContaining({ status: 400 }));
    expect(table.match('GET', '/things/%E2%82%AC')).toEqual({ value: 'getThing', params: { id: '€' } });
    // The error handler still learns the operation (to answer in its shape) without decoding.
    expect(table.match('GET', '/things/%E2%82', false)).toEqual({ value: 'getThing', params: { id: '%E2%82' } });
  });
});
