import { execFile } from 'node:child_process';
import { get } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { load } from 'js-yaml';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACES } from '../../server/faces/index.js';
import { launchChromium } from '../support/browser.js';
import { startGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { repoRoot } from '../support/paths.js';

interface Operation {
  operationId: string;
  summary: string;
  deprecated?: boolean;
}

interface Published {
  info: { title: string; description: string };
  paths: Record<string, Record<string, Operation>>;
  tags: { name: string; 'x-displayName': string }[];
  'x-tagGroups': { name: string; tags: string[] }[];
}

/** The published contract, as the page itself fetches it. */
async function published(gh: TestGatehouse): Promise<Published> {
  return (await (await fetch(`${gh.url}/openapi.json`)).json()) as Published;
}

/** A GET with headers as given (fetch adds `Cache-Control: no-cache` to conditional requests). */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    }).on('error', reject);
  });
}

/** Redoc parses a 1 MB script and a 300 KB document: on a loaded two-core machine that alone can take 30 s. */
const RENDER_TIMEOUT = 120_000;

const operationsOf = (doc: Published): Operation[] => Object.values(doc.paths).flatMap((item) => Object.values(item));

/** A reader opens /docs in Chromium and finds every face and every operation, with no internet. */
describe('API reference page in headless Chromium', () => {
  let gh: TestGatehouse;
  let browser: Browser;

  beforeAll(async () => {
    gh = await startGatehouse('sqlite');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gh?.stop();
  });

  it('renders each face and every operation of the contract, loading nothing from another origin', { timeout: RENDER_TIMEOUT }, async () => {
    const doc = await published(gh);
    const page = await browser.newPage();
    const requests: { url: string; failure?: string }[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push({ url: r.url() }));
    page.on('requestfailed', (r) => Object.assign(requests.find((q) => q.url === r.url()) ?? {}, { failure: r.failure()?.errorText }));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    page.on('pageerror', (e) => errors.push(e.message));

    const response = await page.goto(`${gh.url}/docs`);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    const last = operationsOf(doc).at(-1)!.operationId;
    await page.waitForSelector(`[data-section-id="operation/${last}"]`, { timeout: RENDER_TIMEOUT - 20_000 });

    // The side menu: one group per face, holding that face's tags under the face's own names.
    const menu = await page.$$eval('.menu-content li[data-item-id]', (els) => els.map((e) => [e.getAttribute('data-item-id')!, e.getAttribute('aria-label') ?? ''] as const));
    const menuGroups = menu.filter(([id]) => id.startsWith('group/') || (id.startsWith('tag/') && !id.includes('/operation/')));
    const expectedGroups = doc['x-tagGroups'].flatMap((g) => [
      [`group/${g.name}`, g.name],
      ...g.tags.map((tag) => [expect.stringMatching(/^tag\//), doc.tags.find((t) => t.name === tag)!['x-displayName']]),
    ]);
    expect(doc['x-tagGroups'].map((g) => g.name)).toEqual(FACES.map((f) => f.face));
    expect(menuGroups).toEqual(expectedGroups);
    // Each face's introduction (base path, authentication, error shape) is a section of its own.
    const sections = await page.$$eval('[data-section-id^="section/"] h2', (els) => els.map((e) => e.textContent?.trim() ?? ''));
    for (const face of ['platform', 'mgmt', 'credentials', 'simple-auth', 'portal', 'discovery', 'operations']) expect(sections.filter((h) => h.startsWith('Gatehouse — ') && h.includes(face))).toHaveLength(1);

    // Every operation of the contract has its section, titled with its summary (and marked when deprecated).
    const rendered = new Map(
      await page.$$eval('[data-section-id^="operation/"]', (els) => els.map((e) => [e.getAttribute('data-section-id')!.slice('operation/'.length), (e.querySelector('h2')?.textContent ?? '').replace(/\s+/g, ' ').trim()] as const)),
    );
    const operations = operationsOf(doc);
    expect(operations.length).toBeGreaterThanOrEqual(76);
    for (const op of operations) expect(rendered.get(op.operationId), op.operationId).toBe(op.deprecated ? `${op.summary} Deprecated` : op.summary);

    // Offline: everything came from this origin (the search index runs in a blob: worker); the one
    // outside reference in Redoc's bundle (the vendor's footer logo) is refused by the page's CSP.
    const elsewhere = requests.filter((r) => !r.url.startsWith(`${gh.url}/`) && !r.url.startsWith(`blob:${gh.url}/`));
    expect(elsewhere.map((r) => r.url)).toEqual(elsewhere.length ? ['https://cdn.redoc.ly/redoc/logo-mini.svg'] : []);
    expect(elsewhere.every((r) => r.failure === 'csp')).toBe(true);
    expect(requests.map((r) => new URL(r.url).pathname)).toEqual(expect.arrayContaining(['/docs', '/openapi.json', expect.stringMatching(/^\/docs\/assets\/redoc-[\d.]+\/redoc\.standalone\.js$/)]));
    expect(errors.filter((e) => !e.includes('cdn.redoc.ly'))).toEqual([]);
    await page.close();
  });

  it('finds operations with its search box (the index runs in a worker the CSP allows)', { timeout: RENDER_TIMEOUT }, async () => {
    const page = await browser.newPage();
    await page.goto(`${gh.url}/docs`);
    await page.waitForSelector('[data-section-id="operation/getJwks"]', { timeout: RENDER_TIMEOUT - 20_000 });
    await page.fill('input.search-input', 'magic code');
    const hits = () => page.$$eval('[data-role="search:results"] li[data-item-id]', (els) => els.map((e) => e.getAttribute('data-item-id')!));
    await expect.poll(hits, { timeout: 60_000 }).toEqual(expect.arrayContaining([expect.stringMatching(/\/operation\/portalRequestMagicCode$/), expect.stringMatching(/\/operation\/requestMagicCode$/)]));
    await page.close();
  });

  it('publishes the contract of the mounted faces at /openapi.json: every mounted operation, valid OpenAPI 3.1', async () => {
    const res = await fetch(`${gh.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = (await res.json()) as Published & { openapi: string };
    expect(doc.openapi).toBe('3.1.0');
    const routes = FACES.flatMap((binding) => Object.entries(binding.routes));
    expect(Object.keys(doc.paths).sort()).toEqual([...new Set(routes.map(([, route]) => route.path))].sort());
    for (const [operationId, route] of routes) expect(doc.paths[route.path]?.[route.method]?.operationId, operationId).toBe(operationId);

    // Redocly's linter, with the rules the hand-written contracts follow (redocly.yaml): the
    // structure of OpenAPI 3.1, valid examples, unique operationIds, defined security schemes.
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-docs-'));
    try {
      writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc));
      const cli = join(repoRoot, 'node_modules/@redocly/cli/bin/cli.js');
      const lint = await promisify(execFile)(process.execPath, [cli, 'lint', join(dir, 'openapi.json'), '--format', 'stylish'], { cwd: repoRoot, timeout: 120_000 });
      expect(`${lint.stdout}${lint.stderr}`).toMatch(/Your API description is valid/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves the same contract as YAML, both cacheable and revalidated with their ETag', async () => {
    const json = await fetch(`${gh.url}/openapi.json`);
    const yaml = await fetch(`${gh.url}/openapi.yaml`);
    expect(yaml.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(load(await yaml.text())).toEqual(await json.json());
    for (const res of [json, yaml]) expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const again = await rawGet(`${gh.url}/openapi.json`, { 'If-None-Match': json.headers.get('etag')! });
    expect(again.status).toBe(304);
    const page = await fetch(`${gh.url}/docs`);
    const script = /<script src="([^"]+)"/.exec(await page.text())![1]!;
    expect((await rawGet(`${gh.url}${script}`)).headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });
});
