import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../core/config.js';
import type { Logger } from './log.js';

/**
 * The master key seals TOTP seeds and private keys. With MySQL every instance must share it, so
 * config requires it; the embedded SQLite mode keeps a generated key in a 0600 file beside the
 * database, so `npm start` works on a fresh machine.
 */
export function loadMasterKey(config: Config, logger: Logger): Buffer {
  if (config.security.masterKey) return Buffer.from(config.security.masterKey, 'base64');
  const file = config.database.sqlitePath === ':memory:' ? undefined : join(dirname(config.database.sqlitePath), 'master.key');
  if (!file) return randomBytes(32);
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600 });
  logger.warn('generated a master key for the embedded database; set GATEHOUSE_MASTER_KEY in production', { file });
  return key;
}
