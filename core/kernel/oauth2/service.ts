import type { Auditor, RequestMeta } from '../audit.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { SecretBox } from '../../crypto.js';
import { GatehouseError } from '../../errors.js';
import type { GuessBudget } from '../guess-budget.js';
import type { LoginService } from '../login.js';
import type { Account } from '../model.js';
import type { KernelStore } from '../ports.js';
import { listTokens, revokeForAccount, type TokenSummary } from './account-tokens.js';
import { authorize, checkAuthorizeRequest, type AuthorizeRequest } from './authorize.js';
import { authenticateClient, type ClientCredentials } from './client-auth.js';
import { ClientRegistry, type OAuth2Client } from './clients.js';
import type { OAuth2Deps } from './deps.js';
import { GRANTS, type TokenParams } from './grants/index.js';
import { FirstPartyTokens } from './first-party.js';
import { introspect, revokePresented, type IntrospectionResponse } from './introspection.js';
import { KeyRing } from './keys.js';
import { oauthError } from './scopes.js';
import { TokenIssuer, type TokenResponse } from './tokens.js';
import { userInfoClaims, type UserInfoClaims } from './userinfo.js';
import type { LiveAccessToken } from './first-party.js';

export interface OAuth2ServiceDeps {
  store: KernelStore;
  clock: Clock;
  config: Config;
  box: SecretBox;
  auditor: Auditor;
  login: LoginService;
  guesses: GuessBudget;
}

/**
 * The OAuth 2.0 / OpenID Connect authorization server behind simple-auth's /auth/oauth2/* and
 * the discovery documents. Constructing it validates the client registry (a bad client config
 * stops start-up with every problem listed).
 */
export class OAuth2Service {
  readonly clients: ClientRegistry;
  readonly keys: KeyRing;
  readonly issuer: string;
  /** the bearer tokens of Gatehouse's own faces, under the same grants and keys */
  readonly firstParty: FirstPartyTokens;
  readonly #deps: OAuth2Deps;

  constructor(deps: OAuth2ServiceDeps) {
    const settings = deps.config.authenticators.oauth2;
    this.clients = new ClientRegistry(settings, () => deps.store.oauth2Clients);
    this.issuer = deps.config.server.publicUrl;
    // A retired key must verify everything it signed: the longest access/ID token lifetime.
    const maxTokenSeconds = () => Math.max(settings.tokenExpiresSeconds, ...this.clients.all().map((c) => c.settings.tokenExpiresSeconds));
    this.keys = new KeyRing(() => deps.store.signingKeys, deps.clock, deps.box, maxTokenSeconds);
    const tokens = new TokenIssuer(deps.clock, deps.auditor, this.issuer);
    this.#deps = { ...deps, clients: this.clients, keys: this.keys, tokens, issuer: this.issuer, webgrant: settings.webgrant, firstPartyTokenSeconds: settings.tokenExpiresSeconds };
    this.firstParty = new FirstPartyTokens(this.#deps);
  }

  client(clientId: string): Promise<OAuth2Client | undefined> {
    return this.clients.find(clientId);
  }

  checkAuthorizeRequest(request: AuthorizeRequest) {
    return checkAuthorizeRequest(this.#deps, request);
  }

  authorize(account: Account, request: AuthorizeRequest, meta: RequestMeta): Promise<{ code: string; state?: string }> {
    return authorize(this.#deps, account, request, meta);
  }

  /** POST /auth/oauth2/token: authenticate the client, then the grant type's own steps. */
  async token(credentials: ClientCredentials, params: TokenParams, meta: RequestMeta): Promise<TokenResponse> {
    const grant = GRANTS[params.grant_type];
    if (!grant) throw oauthError('unsupported_grant_type', `Unknown grant type: ${params.grant_type}`.slice(0, 200));
    const client = await authenticateClient(this.clients, credentials, { allowPublic: grant.allowsPublicClients, ...this.guard(meta) });
    const missing = grant.required.filter((p) => !params[p]);
    if (missing.length) throw oauthError('invalid_request', `missing ${missing.join(', ')}`);
    return grant.handle(this.#deps, client, params, meta);
  }

  async introspect(credentials: ClientCredentials, token: string, meta: RequestMeta): Promise<IntrospectionResponse> {
    // RFC 7662 §2.1: the protected resource authenticates; public clients cannot.
    const client = await authenticateClient(this.clients, credentials, { allowPublic: false, ...this.guard(meta) });
    return introspect(this.#deps, client, token);
  }

  async revoke(credentials: ClientCredentials, token: string, meta: RequestMeta): Promise<void> {
    const client = await authenticateClient(this.clients, credentials, { allowPublic: true, ...this.guard(meta) });
    return revokePresented(this.#deps, client, token, meta);
  }

  /** What a client authentication spends its guesses against. */
  private guard(meta: RequestMeta): { guesses: GuessBudget; ip: string | null } {
    return { guesses: this.#deps.guesses, ip: meta.ip };
  }

  /** OIDC UserInfo: the claims the presented token's scopes release. */
  userInfo(live: LiveAccessToken): UserInfoClaims {
    return userInfoClaims(live);
  }

  listTokens(account: Account): Promise<TokenSummary[]> {
    return listTokens(this.#deps, account);
  }

  revokeForAccount(account: Account, clientId: string, token: string | undefined, meta: RequestMeta): Promise<TokenSummary[]> {
    return revokeForAccount(this.#deps, account, clientId, token, meta);
  }

  /** getOauth2Client: the client the consent screen describes. */
  async describeClient(clientId: string): Promise<OAuth2Client> {
    const client = await this.clients.find(clientId);
    if (!client) throw new GatehouseError('not_found', { reason: 'invalid_client', message: 'Client id not found' });
    return client;
  }
}
