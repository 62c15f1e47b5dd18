/**
 * npm run keys:rotate — adds a new signing key; from now on every instance signs with it. The
 * previous keys stay in /.well-known/jwks.json until the tokens they signed have expired, so
 * nothing live breaks. Needs the master key the instances use (the private key is sealed with it).
 */
import { runAdminCommand } from './lib/admin-cli.js';

runAdminCommand(async ({ kernel }) => {
  const before = (await kernel.oauth2.keys.keys()).map((k) => k.kid);
  const kids = await kernel.oauth2.keys.rotate();
  console.log(`new signing keys ${kids.join(', ')} are active; still published for verification: ${before.join(', ') || 'none'}`);
});
