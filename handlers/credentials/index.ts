import { apiCredentialHandlers } from './api-credential.js';
import type { H } from './common.js';
import { scimTokenHandlers } from './scim-token.js';
import { serviceCredentialHandlers } from './service-credential.js';

/** Every credentials operation's handler; the compiler checks the set against the contract. */
export const credentialsHandlers = {
  ...apiCredentialHandlers,
  ...serviceCredentialHandlers,
  ...scimTokenHandlers,
} satisfies H;
