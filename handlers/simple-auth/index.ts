import { accountHandlers } from './account.js';
import type { H } from './common.js';
import { forwardAuthHandlers } from './forward.js';
import { localHandlers } from './local.js';
import { oauth2Handlers } from './oauth2.js';
import { sessionHandlers } from './session.js';
import { stipulationHandlers } from './stipulation.js';

/** Every simple-auth operation's handler; the compiler checks the set against the contract. */
export const simpleAuthHandlers = {
  ...accountHandlers,
  ...sessionHandlers,
  ...localHandlers,
  ...stipulationHandlers,
  ...oauth2Handlers,
  ...forwardAuthHandlers,
} satisfies H;
