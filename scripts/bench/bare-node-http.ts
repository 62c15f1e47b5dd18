/** Baseline: node:http answering `{"success":true}` with nothing in front of it (the platform's floor). */
import { createServer } from 'node:http';
import { serveUntilStopped } from './serve.js';

const body = JSON.stringify({ success: true });
const length = String(Buffer.byteLength(body));

serveUntilStopped(
  createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': length });
    res.end(body);
  }),
);
