import { FORGOT_DETAIL } from '../../core/faces/portal/password-reset.js';
import type { PortalHandlers } from '../../generated/portal/handlers.gen.js';
import type { HandlerContext } from '../context.js';
import { NO_STORE } from './common.js';

type H = PortalHandlers<HandlerContext>;

/** Forgotten passwords: mail a link, check it, use it once. */
export const passwordHandlers = {
  async portalForgotPassword({ body, ctx }) {
    const mail = await ctx.services.portal.reset.forgot(body.email, body.portal_id, ctx.meta);
    if (mail) void ctx.services.mail.dispatch([mail]);
    return { status: 201, body: { detail: FORGOT_DETAIL } };
  },

  async portalResetCallback({ query, ctx }) {
    return { status: 200, headers: NO_STORE, body: await ctx.services.portal.reset.check(query.token, query.portal_id) };
  },

  async portalResetPassword({ body, ctx }) {
    await ctx.services.portal.reset.reset(body.token, body.password, body.portal_id, ctx.meta);
    return { status: 200, body: { detail: 'Password has been reset. Please sign in again.' } };
  },
} satisfies Pick<H, 'portalForgotPassword' | 'portalResetCallback' | 'portalResetPassword'>;
