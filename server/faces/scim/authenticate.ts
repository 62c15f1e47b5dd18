import type { ScimRules } from '../../../core/faces/scim/index.js';
import type { Authenticator } from '../../security/types.js';

/**
 * `Authorization: Bearer <SCIM token>` and nothing else (RFC 7644 §2): the token is checked in the
 * store at every request, so a recreated or revoked token stops working on every instance at once.
 * Runs before the contract validator, so a stranger learns no request rules.
 */
export const scimAuthenticator: Authenticator<ScimRules> = (_req, _route, ctx) => ctx.rules.authenticate(ctx.credentials.bearer, ctx.meta);
