import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type Express, type Request, type Response } from 'express';
import { dump } from 'js-yaml';
import type { AnyFaceModule } from './faces/module.js';
import { publishedContract } from './docs-contract.js';

/** Paths served here, outside the request validator (they belong to no face's contract). */
export const DOCS_PATHS = /^\/(docs|openapi\.json|openapi\.yaml)(\/|$)/;

const require = createRequire(import.meta.url);
const redocRoot = dirname(require.resolve('redoc/package.json'));
const redocVersion = (require('redoc/package.json') as { version: string }).version;
/** Versioned, so a browser may keep the script for a year and an upgrade still reaches it. */
const ASSETS = `/docs/assets/redoc-${redocVersion}`;

/**
 * The contract may change with every deployment, never between two: a shared cache may keep it a
 * few minutes, and the ETag Express computes lets a client revalidate it for the cost of a 304.
 */
const CONTRACT_CACHE = 'public, max-age=300';

/**
 * Redoc renders from one self-contained script; everything it needs comes from this origin, so
 * the page works on installs with no internet access. Styles are injected at run time
 * (styled-components), hence 'unsafe-inline' for styles only; search runs in a worker built from
 * a blob. Nothing else may load, connect or frame the page (clickjacking).
 */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  'worker-src blob:',
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gatehouse API reference</title>
<link rel="icon" href="data:,">
</head>
<body>
<redoc spec-url="/openapi.json" native-scrollbars="true" path-in-middle-panel="true"></redoc>
<script src="${ASSETS}/redoc.standalone.js"></script>
</body>
</html>
`;

/**
 * Mounts the API reference page (/docs, Redoc served from node_modules) and the published
 * contract (/openapi.json, /openapi.yaml) of the mounted faces. Each document is rendered once, on
 * its first request (the contract does not change while the process runs), not at start-up: the
 * YAML alone takes a few hundred milliseconds, which every start would pay for nothing.
 */
export function mountDocs(app: Express, faces: readonly Pick<AnyFaceModule, 'face' | 'routes'>[]): void {
  let contract: Record<string, unknown> | undefined;
  const rendered = new Map<string, string>();
  const serve = (type: string, render: (doc: Record<string, unknown>) => string) => (_req: Request, res: Response) => {
    contract ??= publishedContract(faces);
    if (!rendered.has(type)) rendered.set(type, render(contract));
    res.set('Cache-Control', CONTRACT_CACHE).type(type).send(rendered.get(type));
  };
  app.get('/openapi.json', serve('application/json', (doc) => JSON.stringify(doc)));
  // application/yaml: RFC 9512.
  app.get('/openapi.yaml', serve('application/yaml', (doc) => dump(doc, { noRefs: true, lineWidth: -1 })));
  // The app's default is no-store (identity answers are personal); a versioned script is not.
  const immutable = (res: Response) => res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
  app.use(ASSETS, express.static(join(redocRoot, 'bundles'), { index: false, setHeaders: immutable }));
  app.get('/docs', (_req: Request, res: Response) => {
    res.set({ 'Content-Security-Policy': DOCS_CSP, 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-cache' });
    res.type('html').send(PAGE);
  });
}
