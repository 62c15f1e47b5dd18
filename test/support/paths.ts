import { resolve } from 'node:path';

/** The repository root. */
export const repoRoot = resolve(import.meta.dirname, '../..');

/** The shared folder beside the repository (seeds, reference, design). */
export const sharedDir = process.env.GATEHOUSE_SHARED_DIR ?? resolve(repoRoot, '../shared');
