import { noBasicCredentials } from '../../core/faces/mgmt/password-login.js';
import type { MgmtToken } from '../../core/faces/mgmt/tokens.js';
import type { MgmtHandlers } from '../../generated/mgmt/handlers.gen.js';
import type { Token } from '../../generated/mgmt/types.gen.js';
import { requirePrincipal, type HandlerContext } from '../context.js';

type H = MgmtHandlers<HandlerContext>;

/** Token responses must not be cached (RFC 6749 §5.1). */
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

function tokenBody(token: MgmtToken): Token {
  const body: Token = { access_token: token.accessToken, token_type: 'bearer', expires_in: token.expiresIn, roles: token.roles, userId: token.userId };
  if (token.passwordWasNeverChanged !== undefined) body.passwordWasNeverChanged = token.passwordWasNeverChanged;
  return body;
}

/** The caller's live token, as the bearer authenticator resolved it. */
function liveToken(ctx: HandlerContext) {
  const { account, accessToken } = requirePrincipal(ctx);
  if (!accessToken) throw new Error('mgmt bearer operation reached its handler without the token row');
  return { account, token: accessToken };
}

export const authenticationHandlers = {
  async loginClientCredentials({ ctx }) {
    const { basic } = ctx.credentials;
    if (!basic || basic === 'malformed') throw noBasicCredentials();
    const token = await ctx.services.mgmt.passwordLogin.signIn('client_credentials', basic.user, basic.password, ctx.meta);
    return { status: 200, headers: NO_STORE, body: tokenBody(token) };
  },

  async loginPasswordForm({ body, ctx }) {
    const token = await ctx.services.mgmt.passwordLogin.signIn('password', body.username, body.password, ctx.meta);
    return { status: 200, headers: NO_STORE, body: tokenBody(token) };
  },

  async getTokenInfo({ ctx }) {
    return { status: 200, body: ctx.services.mgmt.tokens.describe(liveToken(ctx)) };
  },

  async logoutToken({ ctx }) {
    await ctx.services.mgmt.tokens.logout(liveToken(ctx), ctx.meta);
    return { status: 204 };
  },

  async getOktaSignInConfig({ ctx }) {
    return { status: 200, body: ctx.services.mgmt.okta.signInConfig() };
  },

  async loginOkta({ body, ctx }) {
    const token = await ctx.services.mgmt.okta.login(body.idToken, ctx.meta);
    return { status: 200, headers: NO_STORE, body: tokenBody(token) };
  },
} satisfies H;
