import type { RequestMeta } from '../../audit.js';
import type { OAuth2Client } from '../clients.js';
import type { OAuth2Deps } from '../deps.js';
import type { TokenResponse } from '../tokens.js';

/** The token request's parameters (RFC 6749 §4.1.3, §4.3.2, §6), from JSON or a form. */
export interface TokenParams {
  grant_type: string;
  code?: string | undefined;
  redirect_uri?: string | undefined;
  code_verifier?: string | undefined;
  refresh_token?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  totp?: string | undefined;
  scope?: string | undefined;
}

/** One grant type (node-oidc-provider's lib/actions/grants/*): its parameters and its steps. */
export interface GrantHandler {
  /** parameters that must be present and non-empty */
  readonly required: readonly (keyof TokenParams)[];
  /** public clients (no secret) may use it */
  readonly allowsPublicClients: boolean;
  handle(deps: OAuth2Deps, client: OAuth2Client, params: TokenParams, meta: RequestMeta): Promise<TokenResponse>;
}
