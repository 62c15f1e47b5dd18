/** Baseline: Express 5 answering the same `{"success":true}`; every ratio in the report is to this. */
import { createServer } from 'node:http';
import express from 'express';
import { serveUntilStopped } from './serve.js';

const app = express();
app.get('/', (_req, res) => void res.json({ success: true }));
serveUntilStopped(createServer(app));
