import type { Config } from '../core/config.js';
import { routes as credentialsRoutes } from '../generated/credentials/routes.gen.js';
import { routes as mgmtRoutes } from '../generated/mgmt/routes.gen.js';
import { routes as opsRoutes } from '../generated/ops/routes.gen.js';
import { routes as platformRoutes } from '../generated/platform/routes.gen.js';
import { routes as portalRoutes } from '../generated/portal/routes.gen.js';
import { routes as simpleAuthRoutes } from '../generated/simple-auth/routes.gen.js';
import { routes as wellKnownRoutes } from '../generated/wellknown/routes.gen.js';
import { credentialsHandlers } from '../handlers/credentials/index.js';
import { mgmtHandlers } from '../handlers/mgmt/index.js';
import { opsHandlers, type Lifecycle } from '../handlers/ops/index.js';
import { platformHandlers } from '../handlers/platform/index.js';
import { portalHandlers } from '../handlers/portal/index.js';
import { simpleAuthHandlers } from '../handlers/simple-auth/index.js';
import { wellKnownHandlers } from '../handlers/wellknown/index.js';
import type { FaceBinding } from './bind.js';
import { credentialsAuthenticator } from './security/credentials.js';
import { mgmtAuthenticator } from './security/mgmt.js';
import { platformAuthenticator } from './security/platform.js';
import { portalAuthenticator } from './security/portal.js';
import { simpleAuthAuthenticator } from './security/simple-auth.js';
import type { Authenticator } from './security/types.js';

/** Discovery documents are public by definition (OIDC Discovery §4, RFC 7517). */
const anonymous: Authenticator = async () => undefined;

/**
 * The faces this build serves. A face appears here once every operation of its contract has a
 * handler; until then `npm run mock` serves it from the contract.
 */
export function mountedFaces(config: Config, lifecycle?: Lifecycle): FaceBinding[] {
  return [
    { face: 'platform', routes: platformRoutes, handlers: platformHandlers, authenticate: platformAuthenticator(), authenticateFirst: true },
    { face: 'mgmt', routes: mgmtRoutes, handlers: mgmtHandlers, authenticate: mgmtAuthenticator(), authenticateFirst: true },
    { face: 'credentials', routes: credentialsRoutes, handlers: credentialsHandlers, authenticate: credentialsAuthenticator(), authenticateFirst: true },
    { face: 'portal', routes: portalRoutes, handlers: portalHandlers, authenticate: portalAuthenticator(), authenticateFirst: true },
    { face: 'simple-auth', routes: simpleAuthRoutes, handlers: simpleAuthHandlers, authenticate: simpleAuthAuthenticator(config) },
    { face: 'wellknown', routes: wellKnownRoutes, handlers: wellKnownHandlers, authenticate: anonymous },
    { face: 'ops', routes: opsRoutes, handlers: opsHandlers(lifecycle), authenticate: anonymous },
  ];
}
