import { FORGOT_DETAIL } from '../../core/faces/portal/password-reset.js';
import { NO_STORE, type H } from './common.js';

/** Forgotten passwords: mail a link, check it, use it once. */
export const passwordHandlers = {
  async portalForgotPassword({ body, ctx }) {
    await ctx.rules.reset.forgot(body.email, body.portal_id, ctx.meta);
    return { status: 201, body: { detail: FORGOT_DETAIL } };
  },

  async portalResetCallback({ query, ctx }) {
    const { valid, expiresAt } = await ctx.rules.reset.check(query.token, query.portal_id, ctx.meta);
    return { status: 200, headers: NO_STORE, body: { valid, expires_at: expiresAt?.toISOString() ?? null } };
  },

  async portalResetPassword({ body, ctx }) {
    await ctx.rules.reset.reset(body.token, body.password, body.portal_id, ctx.meta);
    return { status: 200, body: { detail: 'Password has been reset. Please sign in again.' } };
  },
} satisfies Pick<H, 'portalForgotPassword' | 'portalResetCallback' | 'portalResetPassword'>;
