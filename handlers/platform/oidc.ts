import type { PlatformHandlers } from '../../generated/platform/handlers.gen.js';
import type { HandlerContext } from '../context.js';
import { admin, FLOW_COOKIE, NO_STORE, prefersJson, principalView } from './common.js';

type H = PlatformHandlers<HandlerContext>;

export const oidcHandlers = {
  async getOIDCProvider({ ctx }) {
    admin(ctx);
    return { status: 200, body: await ctx.services.platform.providers.view() };
  },

  async upsertOIDCProvider({ body, ctx }) {
    await ctx.services.platform.providers.replace(body, admin(ctx), ctx.meta);
    return { status: 204 };
  },

  async startOIDCLogin({ query, ctx }) {
    const started = await ctx.services.platform.oidcLogin.start(query?.continue);
    // Binds the flow to this browser: a callback carrying someone else's state is refused.
    const cookies = [{ name: FLOW_COOKIE, value: started.browserToken, path: '/auth/oidc', maxAgeSeconds: 600, httpOnly: true }];
    if (prefersJson(ctx)) return { status: 200, headers: NO_STORE, cookies, body: { authorization_url: started.authorizationUrl } };
    return { status: 302, headers: { ...NO_STORE, Location: started.authorizationUrl }, cookies };
  },

  async completeOIDCLogin({ query, ctx }) {
    const { services } = ctx;
    const done = await services.platform.oidcLogin.complete(
      { code: query.code, state: query.state, error: query.error, errorDescription: query.error_description, iss: query.iss },
      ctx.cookies[FLOW_COOKIE],
      ctx.meta,
    );
    const maxAgeSeconds = Math.max(1, Math.floor((done.session.expiresAt.getTime() - services.clock.now().getTime()) / 1000));
    const cookies = [
      { name: services.config.platform.uiSessionCookie, value: done.session.token, path: '/', maxAgeSeconds, httpOnly: true },
      { name: FLOW_COOKIE, value: '', path: '/auth/oidc', maxAgeSeconds: 0, httpOnly: true },
    ];
    if (prefersJson(ctx)) return { status: 200, headers: NO_STORE, cookies, body: { continue_url: done.continueUrl, principal: principalView(done.account) } };
    return { status: 302, headers: { ...NO_STORE, Location: done.continueUrl }, cookies };
  },
} satisfies Pick<H, 'getOIDCProvider' | 'upsertOIDCProvider' | 'startOIDCLogin' | 'completeOIDCLogin'>;
