import { authHandlers } from './auth.js';
import type { H } from './common.js';
import { oidcHandlers } from './oidc.js';
import { webSessionHandlers } from './sessions.js';

/** Every platform operation's handler; the compiler checks the set against the contract. */
export const platformHandlers = {
  ...authHandlers,
  ...oidcHandlers,
  ...webSessionHandlers,
} satisfies H;
