import type { H } from './common.js';
import { discoveryHandlers } from './discovery.js';
import { groupHandlers } from './groups.js';
import { userHandlers } from './users.js';

/** Every SCIM operation's handler; the compiler checks the set against the contract. */
export const scimHandlers = {
  ...userHandlers,
  ...groupHandlers,
  ...discoveryHandlers,
} satisfies H;
