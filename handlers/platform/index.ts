import type { PlatformHandlers } from '../../generated/platform/handlers.gen.js';
import type { HandlerContext } from '../context.js';
import { authHandlers } from './auth.js';
import { oidcHandlers } from './oidc.js';
import { webSessionHandlers } from './sessions.js';

/** Every platform operation's handler; the compiler checks the set against the contract. */
export const platformHandlers = {
  ...authHandlers,
  ...oidcHandlers,
  ...webSessionHandlers,
} satisfies PlatformHandlers<HandlerContext>;
