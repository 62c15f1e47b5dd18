import { GatehouseError } from '../../../errors.js';
import { assertScopesAllowed, oauthError, parseScopes } from '../scopes.js';
import type { GrantHandler } from './types.js';

/**
 * RFC 6749 §4.3, off unless the client may trade credentials. It runs the one login check every
 * face uses (throttling, TOTP, stipulations); an unknown user and a wrong password get the same
 * answer, and only after a correct password does the description name what else is missing.
 */
export const passwordGrant: GrantHandler = {
  required: ['username', 'password'],
  allowsPublicClients: false,
  async handle(deps, client, params, meta) {
    if (!client.settings.allowCredentials) throw oauthError('unauthorized_client', 'trading credentials for token is disabled');
    const scopes = parseScopes(params.scope);
    assertScopesAllowed(client, scopes);
    let account;
    try {
      account = await deps.login.assertLogin({ identifier: params.username!, password: params.password!, totp: params.totp }, meta, 'auth:oauth2');
    } catch (error) {
      if (!(error instanceof GatehouseError) || error.status !== 401) throw error;
      const description = error.code === 'invalid_credentials' ? 'invalid username or password' : error.code.replace(/_/g, '-');
      throw oauthError('invalid_grant', description, error.logDetail ?? error.code);
    }
    const now = deps.clock.now();
    const key = await deps.keys.signingKey();
    return deps.store.transaction(async (tx) => {
      const grant = await tx.oauth2.insertGrant({ accountId: account.id, clientId: client.id, scopes, origin: 'password', at: now });
      return deps.tokens.issue(tx, { client, account, grantId: grant.id, scopes, fresh: true, key }, meta);
    });
  },
};
