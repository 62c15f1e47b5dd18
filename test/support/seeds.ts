import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from './paths.js';

export interface SeedOperation {
  method: string;
  /** full path the service answers on */
  path: string;
  /** operationId where the seed names one */
  operationId?: string;
}

export interface SeedDocument {
  face: string;
  file: string;
  expectedCount: number;
  operations: SeedOperation[];
}

const METHOD = '(GET|POST|PUT|PATCH|DELETE)';

/**
 * Each seed document lists its operations in its own layout; one small parser per layout reads
 * method + path exactly as the seed writes them, and prefixes the face's base path where the seed
 * lists paths relative to it.
 */
const PARSERS: Record<string, { file: string; base: string; count: number; parse: (lines: string[]) => SeedOperation[] }> = {
  platform: {
    file: '000_8e82d13f5e55c82e.txt',
    base: '',
    count: 7,
    // "Bootstrap completePOST", blank line, "/auth/bootstrap/complete", ..., "Operation IDbootstrapComplete"
    parse(lines) {
      const ops: SeedOperation[] = [];
      lines.forEach((line, i) => {
        const method = new RegExp(`${METHOD}$`).exec(line)?.[1];
        const next = lines.slice(i + 1).find((l) => l.trim() !== '');
        if (method && next?.startsWith('/')) ops.push({ method, path: next.trim() });
        const id = /^Operation ID(\w+)$/.exec(line)?.[1];
        if (id && ops.length) ops[ops.length - 1]!.operationId = id;
      });
      return ops;
    },
  },
  mgmt: {
    file: '001_efb8a9b5bb41efaa.txt',
    base: '/api',
    count: 6,
    // "# POST /auth/logout"
    parse: (lines) => matchAll(lines, new RegExp(`^# ${METHOD} (/\\S+)$`)),
  },
  credentials: {
    file: '002_ab9668b1fd6fdd57.txt',
    base: '',
    count: 18,
    // "POST/api/web/namespaces/{namespace}/api_credentialsCreate API Credentials." (table row)
    parse: (lines) => matchAll(lines, new RegExp(`^${METHOD}(/api/web/[a-z0-9_{}/]+?)[A-Z]`)),
  },
  'simple-auth': {
    file: '003_b996f55ae8948e01.txt',
    base: '/api/v1',
    count: 23,
    // "GET /account"
    parse: (lines) => matchAll(lines, new RegExp(`^${METHOD} (/\\S+)$`)),
  },
  portal: {
    file: '004_27b461cd1ca30f22.txt',
    base: '',
    count: 16,
    // "GET" on one line, "/v1/auth/load" on the next
    parse(lines) {
      const ops: SeedOperation[] = [];
      lines.forEach((line, i) => {
        const method = new RegExp(`^${METHOD}$`).exec(line.trim())?.[1];
        const next = lines[i + 1]?.trim();
        if (method && next?.startsWith('/')) ops.push({ method, path: next });
      });
      return ops;
    },
  },
};

function matchAll(lines: string[], pattern: RegExp): SeedOperation[] {
  return lines.flatMap((line) => {
    const m = pattern.exec(line.trim());
    return m ? [{ method: m[1]!, path: m[2]! }] : [];
  });
}

export function readSeeds(): SeedDocument[] {
  return Object.entries(PARSERS).map(([face, p]) => {
    const lines = readFileSync(join(sharedDir, 'seeds', p.file), 'utf8').split(/\r?\n/);
    const operations = p.parse(lines).map((op) => ({ ...op, path: p.base + op.path }));
    return { face, file: p.file, expectedCount: p.count, operations };
  });
}
