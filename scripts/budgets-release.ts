/**
 * npm run budgets:release -- <account|client|address> <who> — ends a guess-budget lock at once.
 * Anyone can spend an account's budget by guessing, so a victim may be locked out until the
 * window ends; an operator who has checked who is asking releases it here (every instance sees
 * it at once: the budget is a database row).
 *   account <username or e-mail>   client <OAuth2 client id>   address <client IP address>
 */
import { runAdminCommand } from './lib/admin-cli.js';

const [kind, who] = process.argv.slice(2);
if (!['account', 'client', 'address'].includes(kind ?? '') || !who) {
  console.error('usage: npm run budgets:release -- <account|client|address> <username, e-mail, client id or address>');
  process.exit(2);
}

runAdminCommand(async ({ kernel }) => {
  if (kind === 'account') {
    const account = await kernel.accounts.byUsernameOrEmail(who);
    if (!account) {
      console.error(`no account named ${who}`);
      process.exit(1);
    }
    const used = await kernel.guesses.used({ account: account.id });
    await kernel.guesses.release({ account: account.id });
    console.log(`released account ${account.username} (${used} guesses were spent)`);
  } else if (kind === 'client') {
    await kernel.guesses.release({ client: who });
    console.log(`released client ${who}`);
  } else {
    await kernel.guesses.release({ address: who });
    console.log(`released address ${who}`);
  }
});
