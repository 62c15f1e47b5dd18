/**
 * npm run mock — Prism serving every face from the bundled contract, for front-end teams and SDK
 * consumers. PORT (default 4010) picks the port; HOST (default 127.0.0.1) the interface.
 * Prism answers with the documented examples and rejects requests that break the contract.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const port = process.env.PORT ?? '4010';
const host = process.env.HOST ?? '127.0.0.1';
const prism = spawn(
  process.execPath,
  [join(root, 'node_modules/@stoplight/prism-cli/dist/index.js'), 'mock', '-h', host, '-p', port, join(root, 'generated/openapi.bundle.yaml')],
  { stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => prism.kill(signal));
prism.on('exit', (code) => process.exit(code ?? 0));
