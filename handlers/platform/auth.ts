import { BOOTSTRAP_TTL_DEFAULT } from '../../core/faces/platform/bootstrap.js';
import type { PlatformHandlers } from '../../generated/platform/handlers.gen.js';
import type { HandlerContext } from '../context.js';
import { admin, NO_STORE, principalView } from './common.js';

type H = PlatformHandlers<HandlerContext>;

export const authHandlers = {
  async bootstrapComplete({ body, ctx }) {
    const signedIn = await ctx.services.platform.bootstrap.complete(
      { username: body.username, password: body.password, principalName: body.principal_name, bootstrapToken: body.bootstrap_token },
      ctx.meta,
    );
    return { status: 201, headers: NO_STORE, body: { token: signedIn.accessToken, token_type: 'Bearer', expires_in: signedIn.expiresIn, principal: principalView(signedIn.account) } };
  },

  async createBootstrapToken({ body, ctx }) {
    const caller = admin(ctx);
    const ttl = body.ttl_seconds ?? BOOTSTRAP_TTL_DEFAULT;
    const minted = await ctx.services.platform.bootstrap.mintToken(caller, ttl, ctx.meta);
    return { status: 201, headers: NO_STORE, body: { bootstrap_token: minted.token, ttl_seconds: ttl, expires_at: minted.expiresAt.toISOString() } };
  },

  async localLogin({ body, ctx }) {
    const signedIn = await ctx.services.platform.localLogin.signIn(body.username, body.password, ctx.meta);
    return { status: 201, headers: NO_STORE, body: { token: signedIn.accessToken, token_type: 'Bearer', expires_in: signedIn.expiresIn, principal: principalView(signedIn.account) } };
  },
} satisfies Pick<H, 'bootstrapComplete' | 'createBootstrapToken' | 'localLogin'>;
