import type { MgmtHandlers } from '../../generated/mgmt/handlers.gen.js';
import { authenticationHandlers, type Ctx } from './authentication.js';

/** Every mgmt operation's handler (one tag: authentication); the compiler checks the set against the contract. */
export const mgmtHandlers = {
  ...authenticationHandlers,
} satisfies MgmtHandlers<Ctx>;
