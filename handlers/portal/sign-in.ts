import { MAGIC_CODE_DETAIL } from '../../core/faces/portal/sign-in.js';
import type { PortalHandlers } from '../../generated/portal/handlers.gen.js';
import type { HandlerContext } from '../context.js';
import { NO_STORE, portalCaller } from './common.js';

type H = PortalHandlers<HandlerContext>;

/** Sign-in: password, magic codes, the second factor, and push approval with polling. */
export const signInHandlers = {
  async portalLogin({ body, ctx }) {
    const { reply, mail } = await ctx.services.portal.signIn.login(body.email, body.password, body.portal_id, ctx.meta);
    if (mail) void ctx.services.mail.dispatch([mail]);
    return { status: 200, headers: NO_STORE, body: reply };
  },

  async portalRequestMagicCode({ body, ctx }) {
    const started = await ctx.services.portal.signIn.requestMagicCode(body.email, body.portal_id, null, ctx.meta);
    // Sent after the answer is decided, so its timing does not tell whether the account exists.
    if (started.mail) void ctx.services.mail.dispatch([started.mail]);
    return { status: 200, body: { detail: MAGIC_CODE_DETAIL, login_session_id: started.loginSessionId } };
  },

  async requestMagicCode({ body, ctx }) {
    const started = await ctx.services.portal.signIn.requestMagicCode(body.email, null, body.client_id, ctx.meta);
    if (started.mail) void ctx.services.mail.dispatch([started.mail]);
    return { status: 200, body: { detail: MAGIC_CODE_DETAIL, login_session_id: started.loginSessionId } };
  },

  async portalVerify2fa({ body, ctx }) {
    return { status: 200, headers: NO_STORE, body: await ctx.services.portal.signIn.verify(body.email, body.code, body.login_session_id, ctx.meta) };
  },

  async approve2fa({ body, ctx }) {
    await ctx.services.portal.approvals.decide(portalCaller(ctx), body.login_session_id ?? body.session_id ?? '', 'approved', ctx.meta);
    return { status: 200, body: { status: 'approved' } };
  },

  async reject2fa({ body, ctx }) {
    await ctx.services.portal.approvals.decide(portalCaller(ctx), body.login_session_id ?? body.session_id ?? '', 'rejected', ctx.meta);
    return { status: 200, body: { status: 'rejected' } };
  },

  async loginStatus({ query, ctx }) {
    return { status: 200, headers: NO_STORE, body: await ctx.services.portal.approvals.status(query.email, query.session_id, ctx.meta) };
  },
} satisfies Pick<H, 'portalLogin' | 'portalRequestMagicCode' | 'requestMagicCode' | 'portalVerify2fa' | 'approve2fa' | 'reject2fa' | 'loginStatus'>;
