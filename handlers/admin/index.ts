import { accountHandlers } from './accounts.js';
import { auditHandlers } from './audit.js';
import type { H } from './common.js';
import { mailHandlers } from './mail.js';
import { namespaceHandlers } from './namespaces.js';
import { oauth2ClientHandlers } from './oauth2-clients.js';
import { organizationHandlers } from './organizations.js';
import { signingKeyHandlers } from './signing-keys.js';

/** Every admin operation's handler; the compiler checks the set against the contract. */
export const adminHandlers = {
  ...accountHandlers,
  ...organizationHandlers,
  ...namespaceHandlers,
  ...oauth2ClientHandlers,
  ...signingKeyHandlers,
  ...auditHandlers,
  ...mailHandlers,
} satisfies H;
