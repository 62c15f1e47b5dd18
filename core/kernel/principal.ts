import type { ApiKeyService } from './api-keys.js';
import type { Account, ApiKeyRecord, Session } from './model.js';
import type { FirstPartyTokens, LiveAccessToken } from './oauth2/first-party.js';

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

/**
 * The caller behind a presented credential, resolved alike on every face: a live access token of
 * any face (its row read at every request, so a logout or revocation holds on every instance at
 * once), an API token, an API certificate. Which credentials a face takes, in which order, and
 * how it refuses stay the face's (its authenticator); undefined here means "not a live credential".
 */
export class Principals {
  constructor(
    private readonly tokens: FirstPartyTokens,
    private readonly apiKeys: ApiKeyService,
  ) {}

  async fromBearer(token: string | undefined): Promise<Principal | undefined> {
    const live = token ? await this.tokens.verify(token) : undefined;
    return live && { account: live.account, accessToken: live, via: 'bearer' };
  }

  /** An API token (`ghk_…`) of one of `types` (the API token kinds unless a face names others). */
  async fromApiKey(key: string | undefined, types?: readonly string[]): Promise<Principal | undefined> {
    const found = key ? await this.apiKeys.authenticate(key, types) : undefined;
    return found && { account: found.account, apiKey: found.credential, via: 'api-key' };
  }

  /** An API certificate presented as the TLS client certificate: its owner, with its API token's authority. */
  async fromCertificate(der: Uint8Array | undefined): Promise<Principal | undefined> {
    const found = der ? await this.apiKeys.authenticateCertificate(der) : undefined;
    return found && { account: found.account, apiKey: found.credential, via: 'api-key' };
  }
}
