import type { H } from './common.js';
import { passwordHandlers } from './password.js';
import { sessionHandlers } from './session.js';
import { signInHandlers } from './sign-in.js';

/** Every portal operation's handler (one tag, `auth`, split by area); the compiler checks the set against the contract. */
export const portalHandlers = {
  ...sessionHandlers,
  ...signInHandlers,
  ...passwordHandlers,
} satisfies H;
