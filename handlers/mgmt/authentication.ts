import type { MgmtRules } from '../../core/faces/mgmt/index.js';
import { noBasicCredentials } from '../../core/faces/mgmt/password-login.js';
import type { MgmtSignedIn } from '../../core/faces/mgmt/tokens.js';
import type { MgmtHandlers } from '../../generated/mgmt/handlers.gen.js';
import type { Token } from '../../generated/mgmt/types.gen.js';
import { requirePrincipal, type HandlerContext } from '../context.js';

export type Ctx = HandlerContext<MgmtRules>;
type H = MgmtHandlers<Ctx>;

/** Token responses must not be cached (RFC 6749 §5.1). */
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

function tokenBody(signedIn: MgmtSignedIn): Token {
  const { token, roles, account } = signedIn;
  const body: Token = { access_token: token.accessToken, token_type: 'bearer', expires_in: token.expiresIn, roles, userId: account.id };
  if (signedIn.passwordWasNeverChanged !== undefined) body.passwordWasNeverChanged = signedIn.passwordWasNeverChanged;
  return body;
}

/** The caller's live token, as the bearer authenticator resolved it. */
function liveToken(ctx: Ctx) {
  const { accessToken } = requirePrincipal(ctx);
  if (!accessToken) throw new Error('mgmt bearer operation reached its handler without the token row');
  return accessToken;
}

export const authenticationHandlers = {
  async loginClientCredentials({ ctx }) {
    const { basic } = ctx.credentials;
    if (!basic || basic === 'malformed') throw noBasicCredentials();
    return { status: 200, headers: NO_STORE, body: tokenBody(await ctx.rules.passwordLogin.signIn('client_credentials', basic.user, basic.password, ctx.meta)) };
  },

  async loginPasswordForm({ body, ctx }) {
    return { status: 200, headers: NO_STORE, body: tokenBody(await ctx.rules.passwordLogin.signIn('password', body.username, body.password, ctx.meta)) };
  },

  async getTokenInfo({ ctx }) {
    return { status: 200, body: ctx.rules.tokens.describe(liveToken(ctx)) };
  },

  async logoutToken({ ctx }) {
    await ctx.rules.tokens.logout(liveToken(ctx), ctx.meta);
    return { status: 204 };
  },

  async getOktaSignInConfig({ ctx }) {
    return { status: 200, body: ctx.rules.okta.signInConfig() };
  },

  async loginOkta({ body, ctx }) {
    return { status: 200, headers: NO_STORE, body: tokenBody(await ctx.rules.okta.login(body.idToken, ctx.meta)) };
  },
} satisfies H;
