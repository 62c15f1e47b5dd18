import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { buildConfig, type Config } from '../core/config.js';

/**
 * The configuration every entry point reads (`npm start` and the admin commands): environment
 * variables over the optional YAML file named by GATEHOUSE_CONFIG. Throws ConfigError listing
 * every problem at once.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const file = env.GATEHOUSE_CONFIG ? ((load(readFileSync(env.GATEHOUSE_CONFIG, 'utf8')) ?? {}) as Record<string, unknown>) : {};
  return buildConfig(env, file);
}
