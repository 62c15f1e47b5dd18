import { createMgmtRules, type MgmtRules } from '../../../core/faces/mgmt/index.js';
import type { MgmtStore } from '../../../core/faces/mgmt/ports.js';
import { KnexIdTokenUseRepository } from '../../../db/repositories/id-token-uses.js';
import { routes } from '../../../generated/mgmt/routes.gen.js';
import { mgmtHandlers } from '../../../handlers/mgmt/index.js';
import { defineFace } from '../module.js';
import { mgmtAuthenticator } from './authenticate.js';
import { renderMgmtError } from './errors.js';

/** The croit management node's OAuth2-style logins, token info and Okta login. */
export const mgmtFace = defineFace<MgmtRules, MgmtStore, MgmtRules['settings']>({
  face: 'mgmt',
  routes,
  handlers: mgmtHandlers,
  store: (db) => ({ idTokenUses: new KnexIdTokenUseRepository(db) }),
  settings: (config) => ({ okta: config.mgmt.okta }),
  rules: createMgmtRules,
  authenticate: mgmtAuthenticator,
  authenticateFirst: true,
  renderError: renderMgmtError,
});
