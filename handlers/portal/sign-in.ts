import { MAGIC_CODE_DETAIL } from '../../core/faces/portal/sign-in.js';
import { NO_STORE, portalCaller, type H } from './common.js';

/** Sign-in: password, magic codes, the second factor, and push approval with polling. */
export const signInHandlers = {
  async portalLogin({ body, ctx }) {
    const reply = await ctx.rules.signIn.login(body.email, body.password, body.portal_id, ctx.meta);
    if ('access_token' in reply) return { status: 200, headers: NO_STORE, body: reply };
    return { status: 200, headers: NO_STORE, body: { detail: '2FA Required', two_fa_required: true, email: reply.email, login_session_id: reply.loginSessionId } };
  },

  async portalRequestMagicCode({ body, ctx }) {
    const started = await ctx.rules.signIn.requestMagicCode(body.email, body.portal_id, null, ctx.meta);
    return { status: 200, body: { detail: MAGIC_CODE_DETAIL, login_session_id: started.loginSessionId } };
  },

  async requestMagicCode({ body, ctx }) {
    const started = await ctx.rules.signIn.requestMagicCode(body.email, null, body.client_id, ctx.meta);
    return { status: 200, body: { detail: MAGIC_CODE_DETAIL, login_session_id: started.loginSessionId } };
  },

  async portalVerify2fa({ body, ctx }) {
    return { status: 200, headers: NO_STORE, body: await ctx.rules.signIn.verify(body.email, body.code, body.login_session_id, ctx.meta) };
  },

  async approve2fa({ body, ctx }) {
    await ctx.rules.approvals.decide(portalCaller(ctx), body.login_session_id ?? body.session_id ?? '', 'approved', ctx.meta);
    return { status: 200, body: { status: 'approved' } };
  },

  async reject2fa({ body, ctx }) {
    await ctx.rules.approvals.decide(portalCaller(ctx), body.login_session_id ?? body.session_id ?? '', 'rejected', ctx.meta);
    return { status: 200, body: { status: 'rejected' } };
  },

  async loginStatus({ query, ctx }) {
    return { status: 200, headers: NO_STORE, body: await ctx.rules.approvals.status(query.email, query.session_id, ctx.meta) };
  },
} satisfies Pick<H, 'portalLogin' | 'portalRequestMagicCode' | 'requestMagicCode' | 'portalVerify2fa' | 'approve2fa' | 'reject2fa' | 'loginStatus'>;
