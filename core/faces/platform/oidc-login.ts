import type * as OpenIdClient from 'openid-client';
import type { RequestMeta } from '../../kernel/audit.js';
import { addSeconds } from '../../clock.js';
import { resolveContinueUrl } from '../../kernel/continue-url.js';
import { constantTimeEqual, randomToken, sha256Hex } from '../../crypto.js';
import { GatehouseError } from '../../errors.js';
import type { Kernel } from '../../kernel/index.js';
import type { Account } from '../../kernel/model.js';
import type { ActiveProvider, OidcProviderService } from './oidc-provider.js';
import type { OidcRepository } from './ports.js';
import type { WebSessionService } from './web-sessions.js';

const FLOW_SECONDS = 600;
const DISCOVERY_CACHE_MS = 5 * 60_000;
const VERIFIER_CONTEXT = 'oidc-flow:code-verifier';

/** openid-client, loaded by the first `discover()` (every use of it follows one): most installations never configure an upstream provider. */
let oidc: typeof OpenIdClient;

export interface OidcLoginSettings {
  publicUrl: string;
  allowedContinueUrls: readonly RegExp[];
  landingPage: string;
}

export interface CallbackParams {
  code?: string | undefined;
  state: string;
  error?: string | undefined;
  /** the issuer's text for `error`: written to the audit trail, never echoed */
  errorDescription?: string | undefined;
  iss?: string | undefined;
}

const invalidState = (why: string) => new GatehouseError('bad_request', { message: 'invalid oidc state', logDetail: why });
const rejected = (why: string, cause?: unknown) => new GatehouseError('invalid_credentials', { message: 'oidc login rejected', logDetail: why, cause });

/**
 * The web UI's browser login through the configured upstream provider: authorization code flow
 * with PKCE (RFC 7636), state bound to the browser by a cookie (login CSRF, RFC 6749 §10.12) and
 * nonce (OIDC Core §3.1.2.1). Protocol checks are openid-client's (an OpenID-certified relying
 * party); the flow lives in the database, so the callback may land on any instance.
 */
export class OidcLoginService {
  #discovered: { key: string; at: number; config: OpenIdClient.Configuration } | undefined;

  constructor(
    private readonly kernel: Kernel,
    private readonly oidc: OidcRepository,
    private readonly providers: OidcProviderService,
    private readonly webSessions: WebSessionService,
    private readonly settings: OidcLoginSettings,
  ) {}

  get redirectUri(): string {
    return `${this.settings.publicUrl}/auth/oidc/callback`;
  }

  async start(requestedContinue: string | undefined): Promise<{ authorizationUrl: string; browserToken: string }> {
    this.webSessions.assertEnabled();
    const provider = await this.providers.active();
    const config = await this.discover(provider);
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const verifier = oidc.randomPKCECodeVerifier();
    const browserToken = randomToken(32);
    const now = this.kernel.clock.now();
    await this.oidc.insertFlow({
      stateHash: sha256Hex(state),
      browserHash: sha256Hex(browserToken),
      nonce,
      codeVerifierSealed: this.kernel.secrets.seal(verifier, VERIFIER_CONTEXT),
      continueUrl: resolveContinueUrl(requestedContinue, this.settings.allowedContinueUrls, this.settings.landingPage),
      at: now,
      expiresAt: addSeconds(now, FLOW_SECONDS),
    });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: provider.scopes,
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    return { authorizationUrl: url.href, browserToken };
  }

  async complete(params: CallbackParams, browserToken: string | undefined, meta: RequestMeta): Promise<{ account: Account; session: { token: string; expiresAt: Date; maxAgeSeconds: number }; continueUrl: string }> {
    this.webSessions.assertEnabled();
    const provider = await this.providers.active();
    const flow = await this.oidc.findFlow(sha256Hex(params.state));
    const now = this.kernel.clock.now();
    // The state checks are inside the try: a replayed or foreign callback (login CSRF) is a
    // security event the audit trail must show, as the contract says of every failure.
    try {
      if (!flow || flow.usedAt || flow.expiresAt <= now) throw invalidState('unknown, used or expired flow');
      if (!browserToken || !constantTimeEqual(sha256Hex(browserToken), flow.browserHash)) throw invalidState('flow cookie missing or mismatched');
      if (!(await this.oidc.consumeFlow(flow.id, now))) throw invalidState('flow consumed concurrently');
      if (params.error) throw rejected(`issuer answered error=${params.error.slice(0, 64)}${params.errorDescription ? ` (${params.errorDescription.slice(0, 200)})` : ''}`);
      if (!params.code) throw invalidState('callback without code or error');
      const identity = await this.redeem(provider, params, flow.nonce, this.kernel.secrets.open(flow.codeVerifierSealed, VERIFIER_CONTEXT));
      const account = await this.kernel.upstream.accountFor(identity, meta, 'auth:platform');
      if (!account?.active) throw rejected('account inactive');
      const session = await this.webSessions.start(account, 'oidc', meta);
      await this.kernel.audit.record(meta, { accountId: account.id, level: 'info', module: 'auth:platform', message: 'AUTH_OIDC_LOGIN' });
      return { account, session, continueUrl: flow.continueUrl };
    } catch (error) {
      const reason = error instanceof GatehouseError ? (error.logDetail ?? error.code) : 'unexpected';
      await this.kernel.audit.record(meta, { accountId: null, level: 'warn', module: 'auth:platform', message: `AUTH_OIDC_LOGIN failed: ${reason}`.slice(0, 1000) });
      throw error;
    }
  }

  /** Code → tokens at the issuer, then the ID token's signature, iss, aud, exp, iat and nonce. */
  private async redeem(provider: ActiveProvider, params: CallbackParams, nonce: string, verifier: string) {
    const config = await this.discover(provider);
    const callback = new URL(this.redirectUri);
    for (const [name, value] of Object.entries({ code: params.code, state: params.state, iss: params.iss })) if (value) callback.searchParams.set(name, value);
    let claims: OpenIdClient.IDToken | undefined;
    let accessToken: string | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: params.state, expectedNonce: nonce, idTokenExpected: true });
      claims = tokens.claims();
      accessToken = tokens.access_token;
    } catch (error) {
      if (isNetworkError(error)) throw new GatehouseError('upstream_unavailable', { cause: error });
      throw rejected('code exchange or ID token verification failed', error);
    }
    if (!claims) throw rejected('no ID token');
    // OIDC Core §3.1.3.7 already requires client_id in aud; a configured audience must be there too.
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (provider.audience && !aud.includes(provider.audience)) throw rejected('ID token audience mismatch');
    // The verified ID token wins; the userinfo answer (same sub, checked) only fills in what it lacks.
    const profile = { ...(await this.userInfo(config, accessToken, claims)), ...claims };
    return {
      issuer: claims.iss,
      subject: claims.sub,
      email: typeof profile.email === 'string' ? profile.email : undefined,
      emailVerified: profile.email_verified === true,
      preferredUsername: typeof profile.preferred_username === 'string' ? profile.preferred_username : undefined,
      name: typeof profile.name === 'string' ? profile.name : undefined,
    };
  }

  /**
   * An issuer that follows OIDC Core §5.4 (Okta, Auth0, node-oidc-provider) returns the claims of
   * the `profile` and `email` scopes from its userinfo endpoint, not in the ID token; without this
   * call such a login had no email (no link to an existing account) and the subject as its name.
   * Skipped when the ID token already carries them, or the issuer has no userinfo endpoint.
   */
  private async userInfo(config: OpenIdClient.Configuration, accessToken: string | undefined, claims: OpenIdClient.IDToken): Promise<Record<string, unknown>> {
    const complete = ['email', 'email_verified', 'preferred_username', 'name'].every((name) => claims[name] !== undefined);
    if (complete || !accessToken || !config.serverMetadata().userinfo_endpoint) return {};
    try {
      return await oidc.fetchUserInfo(config, accessToken, claims.sub);
    } catch (error) {
      if (isNetworkError(error)) throw new GatehouseError('upstream_unavailable', { cause: error });
      throw rejected('userinfo request failed', error);
    }
  }

  /** Discovery, cached five minutes per provider configuration; the JWKS URL may be overridden. */
  private async discover(provider: ActiveProvider): Promise<OpenIdClient.Configuration> {
    oidc ??= await import('openid-client');
    // Everything the Configuration is built from: a new jwks_url or client secret must not be
    // served from the cache just because the upsert landed in the same millisecond (or the
    // clock, as in tests, did not move).
    const key = JSON.stringify([provider.issuerUrl, provider.clientId, provider.clientSecret, provider.jwksUrl, provider.updatedAt.getTime()]);
    if (this.#discovered?.key === key && Date.now() - this.#discovered.at < DISCOVERY_CACHE_MS) return this.#discovered.config;
    const auth = provider.clientSecret ? oidc.ClientSecretBasic(provider.clientSecret) : oidc.None();
    const insecure = new URL(provider.issuerUrl).protocol === 'http:';
    let config: OpenIdClient.Configuration;
    try {
      config = await oidc.discovery(new URL(provider.issuerUrl), provider.clientId, undefined, auth, insecure ? { execute: [oidc.allowInsecureRequests] } : undefined);
      if (provider.jwksUrl) {
        config = new oidc.Configuration({ ...config.serverMetadata(), jwks_uri: provider.jwksUrl } as unknown as ConstructorParameters<typeof oidc.Configuration>[0], provider.clientId, undefined, auth);
        if (insecure || new URL(provider.jwksUrl).protocol === 'http:') oidc.allowInsecureRequests(config);
      }
      // openid-client skips the ID token's signature when it comes from the token endpoint (TLS
      // vouches for it); the contract promises a check against the issuer's JWKS or the configured
      // jwks_url, and without this the jwks_url setting had no effect at all.
      oidc.enableNonRepudiationChecks(config);
    } catch (error) {
      throw new GatehouseError('upstream_unavailable', { message: 'the oidc issuer could not be reached', cause: error });
    }
    this.#discovered = { key, at: Date.now(), config };
    return config;
  }
}

function isNetworkError(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } })?.cause;
  return error instanceof TypeError || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND'].includes(cause?.code ?? '');
}
