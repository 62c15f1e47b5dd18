import type { TokenSummary } from '../../core/kernel/oauth2/account-tokens.js';
import type { ClientCredentials } from '../../core/kernel/oauth2/client-auth.js';
import { requirePrincipal } from '../context.js';
import type { Ctx, H } from './common.js';

/** RFC 6749 §5.1: token responses must not be cached. */
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/** The client's credentials: HTTP Basic (Authorization header) or the body fields. */
function credentials(ctx: Ctx, body: { client_id?: string; client_secret?: string }): ClientCredentials {
  return { basic: ctx.credentials.basic, clientId: body.client_id, clientSecret: body.client_secret };
}

const optional = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** An account's live code or token as simple-auth lists it. */
function tokenBody(t: TokenSummary) {
  return { client_id: t.clientId, client_name: t.clientName, created: t.createdAt.toISOString(), expires: t.expiresAt.toISOString(), short_token: t.shortToken, type: t.type };
}

/** OIDC UserInfo (GET and POST alike): the caller was authenticated by its access token. */
function userInfo(ctx: Ctx) {
  const { accessToken } = requirePrincipal(ctx);
  if (!accessToken) throw new Error('userinfo reached without an access token');
  return { status: 200 as const, body: ctx.rules.oauth2.userInfo(accessToken), headers: { 'Cache-Control': 'no-store' } };
}

export const oauth2Handlers = {
  async getUserInfo({ ctx }) {
    return userInfo(ctx);
  },

  async postUserInfo({ ctx }) {
    return userInfo(ctx);
  },

  async getOauth2Tokens({ ctx }) {
    const { account } = requirePrincipal(ctx);
    return { status: 200, body: { tokens: (await ctx.rules.oauth2.listTokens(account)).map(tokenBody) } };
  },

  async getOauth2TokensLegacy({ ctx }) {
    const { account } = requirePrincipal(ctx);
    return { status: 200, body: { tokens: (await ctx.rules.oauth2.listTokens(account)).map(tokenBody) } };
  },

  async getOauth2Client({ path, ctx }) {
    const client = await ctx.rules.oauth2.describeClient(path.client_id);
    return { status: 200, body: { name: client.name, author: client.author, author_url: client.authorUrl } };
  },

  async authorizeGrant({ body, ctx }) {
    const { account, session } = requirePrincipal(ctx);
    const answer = await ctx.rules.oauth2.authorize(
      account,
      {
        clientId: body.client_id,
        responseType: body.response_type,
        redirectUri: body.redirect_uri,
        scope: body.scope,
        state: optional(body.state),
        auto: body.auto,
        codeChallenge: body.code_challenge,
        codeChallengeMethod: body.code_challenge_method,
        nonce: optional(body.nonce),
        authTime: session?.createdAt,
      },
      ctx.meta,
    );
    return { status: 200, body: answer, headers: { 'Cache-Control': 'no-store' } };
  },

  async grantToken({ body, ctx }) {
    const params = {
      grant_type: body.grant_type,
      code: optional(body.code),
      redirect_uri: optional(body.redirect_uri),
      code_verifier: optional(body.code_verifier),
      refresh_token: optional(body.refresh_token),
      username: optional(body.username),
      password: optional(body.password),
      totp: optional(body.totp),
      scope: body.scope,
    };
    const answer = await ctx.rules.oauth2.token(credentials(ctx, body), params, ctx.meta);
    return { status: 200, body: answer, headers: NO_STORE };
  },

  async introspectToken({ body, ctx }) {
    const answer = await ctx.rules.oauth2.introspect(credentials(ctx, body), body.token, ctx.meta);
    return { status: 200, body: answer, headers: NO_STORE };
  },

  async revokeTokenRfc7009({ body, ctx }) {
    await ctx.rules.oauth2.revoke(credentials(ctx, body), body.token, ctx.meta);
    return { status: 200, body: {}, headers: NO_STORE };
  },

  async revokeToken({ query, ctx }) {
    const { account } = requirePrincipal(ctx);
    const tokens = await ctx.rules.oauth2.revokeForAccount(account, query.client_id, query.token, ctx.meta);
    return { status: 200, body: { tokens: tokens.map(tokenBody) } };
  },
} satisfies Pick<
  H,
  'getUserInfo' | 'postUserInfo' | 'getOauth2Tokens' | 'getOauth2TokensLegacy' | 'getOauth2Client' | 'authorizeGrant' | 'grantToken' | 'introspectToken' | 'revokeTokenRfc7009' | 'revokeToken'
>;
