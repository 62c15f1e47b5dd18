import { createCredentialsRules, type CredentialsStore } from '../../../core/faces/credentials/index.js';
import { KnexCredentialRepository } from '../../../db/repositories/credentials.js';
import { routes } from '../../../generated/credentials/routes.gen.js';
import { credentialsHandlers } from '../../../handlers/credentials/index.js';
import { defineFace } from '../module.js';
import { credentialsAuthenticator } from './authenticate.js';
import { renderCredentialsError } from './errors.js';

/** F5 Distributed Cloud's api_credential API: API tokens, certificates, kubeconfigs, service credentials, SCIM token. */
export const credentialsFace = defineFace({
  face: 'credentials',
  routes,
  handlers: credentialsHandlers,
  store: (db): CredentialsStore => ({ credentials: new KnexCredentialRepository(db) }),
  settings: (config) => ({ ...config.credentials, publicUrl: config.server.publicUrl }),
  rules: createCredentialsRules,
  authenticate: credentialsAuthenticator,
  authenticateFirst: true,
  renderError: renderCredentialsError,
});
