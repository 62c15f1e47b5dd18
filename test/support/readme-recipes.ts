import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

/**
 * The addresses the README's proxy recipes use, which a test replaces with its own: Gatehouse,
 * the application behind the proxy. Nothing else in a recipe is changed, so the README cannot
 * drift from what runs.
 */
export const RECIPE_GATEHOUSE = '127.0.0.1:8080';
export const RECIPE_APP = '127.0.0.1:3000';

/**
 * The first fenced block of `language` under the README heading that starts with `heading`,
 * verbatim. Throws when the heading or the block is gone: the test must not pass on nothing.
 */
export function readmeBlock(heading: string, language: string): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const lines = readme.split('\n');
  const at = lines.findIndex((line) => /^#{2,4} /.test(line) && line.replace(/^#+ /, '').startsWith(heading));
  if (at === -1) throw new Error(`README has no heading "${heading}"`);
  const open = lines.findIndex((line, i) => i > at && line === `\`\`\`${language}`);
  const nextHeading = lines.findIndex((line, i) => i > at && /^#{1,4} /.test(line));
  if (open === -1 || (nextHeading !== -1 && open > nextHeading)) throw new Error(`README section "${heading}" has no \`\`\`${language} block`);
  const close = lines.findIndex((line, i) => i > open && line === '```');
  return lines.slice(open + 1, close).join('\n');
}

/**
 * Replaces each `[placeholder, value]` everywhere in a recipe. A placeholder that does not occur
 * throws: the README changed its addresses and the test would otherwise run something else.
 */
export function substitute(recipe: string, replacements: ReadonlyArray<readonly [string, string]>): string {
  let out = recipe;
  for (const [placeholder, value] of replacements) {
    if (!out.includes(placeholder)) throw new Error(`recipe has no "${placeholder}" to replace:\n${recipe}`);
    out = out.split(placeholder).join(value);
  }
  return out;
}
