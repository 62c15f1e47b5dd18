import { closest, distance } from 'fastest-levenshtein';
import { SETTINGS } from '../core/config-schema.js';

/** GATEHOUSE_* variables read outside the settings table. GATEHOUSE_TEST_* belong to the test suite. */
const OTHER_KNOWN = ['GATEHOUSE_CONFIG'];

/**
 * One warning per GATEHOUSE_* environment variable that no setting reads, with the closest known
 * name when one is near: a misspelt variable is otherwise silently ignored and its default used
 * (a typo in GATEHOUSE_MIGRATE_ON_START or a timeout would go unnoticed until it matters).
 */
export function unknownEnvironmentWarnings(env: Record<string, string | undefined>): string[] {
  const known = [...SETTINGS.map((s) => s.env), ...OTHER_KNOWN];
  const knownSet = new Set(known);
  return Object.keys(env)
    .filter((name) => name.startsWith('GATEHOUSE_') && !name.startsWith('GATEHOUSE_TEST_') && !knownSet.has(name))
    .sort()
    .map((name) => {
      const near = closest(name, known);
      // Far-off names are not suggestions: allow about one edit in three characters.
      const hint = distance(name, near) <= Math.max(3, Math.floor(name.length / 3)) ? `; did you mean ${near}?` : '';
      return `unknown environment variable ${name} is ignored${hint}`;
    });
}
