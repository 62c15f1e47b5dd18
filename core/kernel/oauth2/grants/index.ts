import { authorizationCodeGrant } from './authorization-code.js';
import { passwordGrant } from './password.js';
import { refreshTokenGrant } from './refresh-token.js';
import type { GrantHandler } from './types.js';

export type { GrantHandler, TokenParams } from './types.js';

/** The token endpoint dispatches on grant_type through this map (RFC 6749 §4, §6). */
export const GRANTS: Readonly<Record<string, GrantHandler>> = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  password: passwordGrant,
};
