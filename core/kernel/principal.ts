import type { Account, ApiKeyRecord, Session } from './model.js';
import type { LiveAccessToken } from './oauth2/first-party.js';

/** How the caller proved who they are. */
export type PrincipalVia = 'session' | 'shared-key' | 'bearer' | 'api-key';

/** The caller of an operation, as the face's authenticator resolved it through the kernel. */
export interface Principal {
  account: Account;
  via: PrincipalVia;
  /** the browser session, when the call came with a session cookie */
  session?: Session;
  /** the live access token (row and verified claims), when the call came with a bearer token */
  accessToken?: LiveAccessToken;
  /** the API credential, when the call came with an API token */
  apiKey?: ApiKeyRecord;
  /** set by an authenticator that decided administrator rights (e.g. a service account's roles) */
  admin?: boolean;
}
