import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { FaceName } from '../generated/faces.gen.js';

const bundlePath = join(import.meta.dirname, '../generated/openapi.bundle.yaml');

interface BundleDoc {
  paths: Record<string, unknown>;
  [key: string]: unknown;
}

let cached: BundleDoc | undefined;

/** The bundled contract of every face (generated/openapi.bundle.yaml), read once. */
export function bundledContract(): BundleDoc {
  cached ??= load(readFileSync(bundlePath, 'utf8')) as BundleDoc;
  return cached;
}

/**
 * The contract restricted to the paths of mounted faces: the validator then answers 404 for a face
 * that has no handlers yet (Prism's mock serves it meanwhile) instead of validating calls that
 * nothing will answer.
 */
export function contractFor(paths: ReadonlySet<string>): BundleDoc {
  const doc = bundledContract();
  return { ...doc, paths: Object.fromEntries(Object.entries(doc.paths).filter(([path]) => paths.has(path))) };
}

export type { FaceName };
