/**
 * npm run bootstrap-token [-- <ttl seconds>] — mints a platform bootstrap token from the host, for
 * an operator with no administrator account left (POST /auth/bootstrap/tokens needs one). It
 * replaces any earlier token, is shown once here, and is stored only as a SHA-256 hash.
 */
import { NO_REQUEST } from '../core/kernel/audit.js';
import { BOOTSTRAP_TTL_DEFAULT } from '../core/faces/platform/bootstrap.js';
import type { PlatformRules } from '../core/faces/platform/index.js';
import { runAdminCommand } from './lib/admin-cli.js';

const ttl = Number(process.argv[2] ?? BOOTSTRAP_TTL_DEFAULT);
if (!Number.isInteger(ttl) || ttl < 60 || ttl > 86400) {
  console.error('ttl must be a whole number of seconds between 60 and 86400');
  process.exit(2);
}

runAdminCommand(async ({ rulesOf, config }) => {
  const { token, expiresAt } = await rulesOf<PlatformRules>('platform').bootstrap.mintToken(undefined, ttl, { ...NO_REQUEST, requestId: 'admin-cli' });
  console.log(`bootstrap token (valid until ${expiresAt.toISOString()}, shown once):\n${token}\n`);
  console.log(`create an administrator with it:\ncurl -s ${config.server.publicUrl}/auth/bootstrap/complete -H 'Content-Type: application/json' \\\n  -d '{"username":"admin","password":"<12+ characters>","bootstrap_token":"${token}"}'`);
});
