import { GatehouseError } from '../../../errors.js';
import type { LoginOutcome } from '../../login.js';
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
    const outcome = await deps.login.attempt({ identifier: params.username!, password: params.password!, totp: params.totp }, { module: 'auth:oauth2', meta });
    if (outcome.kind !== 'signed-in') throw refusal(outcome);
    const { account } = outcome;
    const now = deps.clock.now();
    const key = await deps.keys.signingKey();
    const idTokenKey = await deps.keys.signingKey(client.idTokenSignedResponseAlg);
    return deps.store.transaction(async (tx) => {
      const grant = await tx.oauth2.insertGrant({ accountId: account.id, clientId: client.id, scopes, origin: 'password', at: now, authTime: now });
      return deps.tokens.issue(tx, { client, account, grantId: grant.id, scopes, authTime: now, fresh: true, key, idTokenKey }, meta);
    });
  },
};

/** RFC 6749 §5.2: a refused resource-owner login is `invalid_grant`; throttling stays a 429. */
function refusal(outcome: Exclude<LoginOutcome, { kind: 'signed-in' }>): GatehouseError {
  if (outcome.kind === 'second-factor-required') return oauthError('invalid_grant', 'totp-missing', 'second factor required');
  if (outcome.reason === 'throttled') return new GatehouseError('throttled', { logDetail: outcome.detail, ...(outcome.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: outcome.retryAfterSeconds }) });
  const description = outcome.reason === 'invalid-credentials' ? 'invalid username or password' : outcome.reason === 'second-factor-failed' ? 'totp-failed' : outcome.reason === 'inactive' ? 'inactive-account' : outcome.reason;
  return oauthError('invalid_grant', description, outcome.detail);
}
