import type { WellKnownHandlers } from '../../generated/wellknown/handlers.gen.js';
import type { JsonWebKey } from '../../generated/wellknown/types.gen.js';
import type { WellKnownRules } from '../../core/faces/wellknown/index.js';
import type { HandlerContext } from '../context.js';

export type Ctx = HandlerContext<WellKnownRules>;
type H = WellKnownHandlers<Ctx>;

/** Metadata and keys change rarely; clients refetch the JWKS on an unknown `kid` anyway. */
const CACHEABLE = { 'Cache-Control': 'public, max-age=300' };

export const discoveryHandlers = {
  /** OpenID Connect Discovery 1.0 §3 / RFC 8414 §2: every URL absolute, from the public base URL. */
  async getOpenidConfiguration({ ctx }) {
    const { oauth2, settings } = ctx.rules;
    const base = settings.publicUrl;
    const api = `${base}/api/v1/auth/oauth2`;
    const clients = oauth2.clients.all();
    const passwordGrant = settings.passwordGrant || clients.some((c) => c.settings.allowCredentials);
    const scopes = [...new Set(['openid', ...clients.flatMap((c) => c.scopes)])];
    const clientAuth = ['client_secret_basic', 'client_secret_post'];
    return {
      status: 200,
      headers: CACHEABLE,
      body: {
        issuer: oauth2.issuer,
        authorization_endpoint: `${base}/oauth2/authorize`,
        token_endpoint: `${api}/token`,
        introspection_endpoint: `${api}/token_info`,
        revocation_endpoint: `${api}/revoke`,
        userinfo_endpoint: `${api}/userinfo`,
        jwks_uri: `${base}/.well-known/jwks.json`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token', ...(passwordGrant ? ['password'] : [])],
        subject_types_supported: ['public'],
        // RS256 first: OIDC Core §15.1 requires it, and clients that do not say get it.
        id_token_signing_alg_values_supported: ['RS256', 'EdDSA'],
        token_endpoint_auth_methods_supported: [...clientAuth, 'none'],
        introspection_endpoint_auth_methods_supported: clientAuth,
        revocation_endpoint_auth_methods_supported: [...clientAuth, 'none'],
        code_challenge_methods_supported: ['S256'],
        scopes_supported: scopes,
        claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'email', 'name', 'preferred_username'],
        // OIDC Core §3.1.2.1 prompt and max_age; RFC 9207 `iss` on every authorization response.
        prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
        authorization_response_iss_parameter_supported: true,
        claims_parameter_supported: false,
        request_parameter_supported: false,
      },
    };
  },

  /** RFC 7517: public halves only, of every key that may still verify an unexpired token. */
  async getJwks({ ctx }) {
    const keys = await ctx.rules.oauth2.keys.keys();
    // Public members only (RFC 7517 §4, RFC 8037 for OKP, RFC 7518 §6.3.1 for RSA): never d, p, q…
    const published = keys.map(({ publicJwk: { kty, crv, x, n, e, kid, alg } }) => (kty === 'RSA' ? { kty, n, e, kid, alg, use: 'sig' } : { kty, crv, x, kid, alg, use: 'sig' }) as JsonWebKey);
    return { status: 200, headers: CACHEABLE, body: { keys: published } };
  },
} satisfies Pick<H, 'getOpenidConfiguration' | 'getJwks'>;
