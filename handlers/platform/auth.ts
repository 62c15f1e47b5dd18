import { BOOTSTRAP_TTL_DEFAULT, type SignedIn } from '../../core/faces/platform/bootstrap.js';
import { admin, NO_STORE, principalView, type H } from './common.js';

function signedInBody(signedIn: SignedIn) {
  return { token: signedIn.accessToken, token_type: 'Bearer' as const, expires_in: signedIn.expiresIn, principal: principalView(signedIn.account) };
}

export const authHandlers = {
  async bootstrapComplete({ body, ctx }) {
    const signedIn = await ctx.rules.bootstrap.complete(
      { username: body.username, password: body.password, principalName: body.principal_name, bootstrapToken: body.bootstrap_token },
      ctx.meta,
    );
    return { status: 201, headers: NO_STORE, body: signedInBody(signedIn) };
  },

  async createBootstrapToken({ body, ctx }) {
    const ttl = body.ttl_seconds ?? BOOTSTRAP_TTL_DEFAULT;
    const minted = await ctx.rules.bootstrap.mintToken(admin(ctx), ttl, ctx.meta);
    return { status: 201, headers: NO_STORE, body: { bootstrap_token: minted.token, ttl_seconds: ttl, expires_at: minted.expiresAt.toISOString() } };
  },

  async localLogin({ body, ctx }) {
    return { status: 201, headers: NO_STORE, body: signedInBody(await ctx.rules.localLogin.signIn(body.username, body.password, ctx.meta)) };
  },
} satisfies Pick<H, 'bootstrapComplete' | 'createBootstrapToken' | 'localLogin'>;
