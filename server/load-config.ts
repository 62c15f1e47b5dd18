import { readFileSync } from 'node:fs';
import { load, YAMLException } from 'js-yaml';
import { buildConfig, ConfigError, type Config } from '../core/config.js';

/**
 * The configuration every entry point reads (`npm start` and the admin commands): environment
 * variables over the optional YAML file named by GATEHOUSE_CONFIG. Throws ConfigError listing
 * every problem at once.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const file = env.GATEHOUSE_CONFIG ? readConfigFile(env.GATEHOUSE_CONFIG) : {};
  return buildConfig(env, file);
}

/** A file that cannot be used at all: one line naming the file and why (no stack, no snippet). */
export class ConfigFileError extends ConfigError {
  constructor(problem: string) {
    super([problem]);
    this.message = `invalid configuration: ${problem}`;
  }
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (code ?? 'cannot be read');
    throw new ConfigFileError(`GATEHOUSE_CONFIG ${path}: ${why}`);
  }
  // An empty file (or one of comments only) sets nothing; js-yaml 5 refuses to parse it.
  if (!text.split('\n').some((line) => line.trim() && !line.trim().startsWith('#'))) return {};
  let parsed: unknown;
  try {
    parsed = load(text);
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const at = error.mark ? ` at line ${error.mark.line + 1}, column ${error.mark.column + 1}` : '';
    throw new ConfigFileError(`GATEHOUSE_CONFIG ${path}: not valid YAML${at}: ${error.reason}`);
  }
  if (parsed === undefined || parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigFileError(`GATEHOUSE_CONFIG ${path}: expected a map of settings (server:, database:, ...), got ${Array.isArray(parsed) ? 'a list' : typeof parsed}`);
  return parsed as Record<string, unknown>;
}
