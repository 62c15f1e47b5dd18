import { createClient, type Auth, type Client, type Config } from '../../../generated/credentials/client/index.js';

type AuthCallback = (auth: Auth) => string | undefined;

/**
 * `auth` for credentials-face calls made with an API token (`ghk_…`). Its operations list two
 * schemes, an apiKey in `Authorization` whose value is `APIToken <token>` and HTTP bearer; the
 * generated client puts a plain token string into the first as it is (`Authorization: ghk_…`), or
 * prefixes `Bearer `, and the service refuses both with 401. This answers only the apiKey scheme,
 * with the prefix the contract documents.
 */
export function apiTokenAuth(token: string): AuthCallback {
  return (auth) => (auth.type === 'apiKey' && (auth.name ?? 'Authorization').toLowerCase() === 'authorization' ? `APIToken ${token}` : undefined);
}

/** `auth` for credentials-face calls made with an access token from any face's login. */
export function bearerTokenAuth(token: string): AuthCallback {
  return (auth) => (auth.type === 'http' && auth.scheme === 'bearer' ? token : undefined);
}

export interface CredentialsClientOptions extends Omit<Config, 'auth' | 'baseUrl'> {
  /** the credentials face's base URL: the Gatehouse origin followed by `/api/web` */
  baseUrl: string;
  /** an API token (`API_TOKEN` or `SERVICE_API_TOKEN` secret), sent as `Authorization: APIToken <token>` */
  apiToken?: string;
  /** an access token from any face's login, sent as `Authorization: Bearer <token>` */
  bearerToken?: string;
}

/** A credentials-face client that signs every call with an API token or a bearer token. */
export function createCredentialsClient({ apiToken, bearerToken, ...config }: CredentialsClientOptions): Client {
  if (apiToken && bearerToken) throw new TypeError('createCredentialsClient: give apiToken or bearerToken, not both');
  const auth = apiToken ? apiTokenAuth(apiToken) : bearerToken ? bearerTokenAuth(bearerToken) : undefined;
  return createClient({ ...config, ...(auth ? { auth } : {}) });
}
