import type { PortalHandlers } from '../../generated/portal/handlers.gen.js';
import type { HandlerContext } from '../context.js';
import { NO_STORE, portalCaller } from './common.js';

type H = PortalHandlers<HandlerContext>;

/** The signed-in side: who am I, sign out, switch organization, impersonate, hand over to a browser. */
export const sessionHandlers = {
  async initialLoad({ ctx }) {
    return { status: 200, body: await ctx.services.portal.account.load(portalCaller(ctx)) };
  },

  async logout({ ctx }) {
    await ctx.services.portal.account.logout(portalCaller(ctx), ctx.meta);
    return { status: 204 };
  },

  async switchOrg({ body, ctx }) {
    return { status: 200, headers: NO_STORE, body: await ctx.services.portal.account.switchOrg(portalCaller(ctx), body.id, ctx.meta) };
  },

  async loginAsUser({ body, ctx }) {
    return { status: 200, headers: NO_STORE, body: await ctx.services.portal.impersonation.loginAs(portalCaller(ctx), body.user_id, ctx.meta) };
  },

  async generateCliBrowserToken({ ctx }) {
    return { status: 200, headers: NO_STORE, body: await ctx.services.portal.cli.mint(portalCaller(ctx), ctx.meta) };
  },

  async consumeCliBrowserToken({ body, ctx }) {
    // `code` wins when both names are sent (openapi/portal.yaml).
    const code = body.code ?? body.exchange_code ?? '';
    return { status: 200, headers: NO_STORE, body: await ctx.services.portal.cli.consume(code, ctx.meta) };
  },
} satisfies Pick<H, 'initialLoad' | 'logout' | 'switchOrg' | 'loginAsUser' | 'generateCliBrowserToken' | 'consumeCliBrowserToken'>;
