import type { PlatformHandlers } from '../../generated/platform/handlers.gen.js';
import type { HandlerContext } from '../context.js';
import { admin } from './common.js';

type H = PlatformHandlers<HandlerContext>;

export const webSessionHandlers = {
  async revokeAllWebSessions({ body, ctx }) {
    const caller = admin(ctx);
    ctx.services.platform.webSessions.assertEnabled();
    await ctx.services.platform.webSessions.revokeAll(body.principal_id, caller, ctx.meta);
    return { status: 204 };
  },

  async getWebSessionStats({ ctx }) {
    admin(ctx);
    ctx.services.platform.webSessions.assertEnabled();
    return { status: 200, body: await ctx.services.platform.webSessions.stats() };
  },
} satisfies Pick<H, 'revokeAllWebSessions' | 'getWebSessionStats'>;
