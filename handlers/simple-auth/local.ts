import { requirePrincipal } from '../context.js';
import { localLoginBody, OK, type H } from './common.js';

export const localHandlers = {
  async getLocalAuth({ ctx }) {
    return { status: 200, body: localLoginBody(ctx.rules.accounts.localLogin(requirePrincipal(ctx))) };
  },

  async changePassword({ body, ctx }) {
    const view = await ctx.rules.accounts.changePassword(requirePrincipal(ctx), body.oldpassword, body.newpassword, ctx.meta);
    return { status: 200, body: localLoginBody(view) };
  },

  async get2faSecret({ ctx }) {
    requirePrincipal(ctx);
    return { status: 200, body: { secret: ctx.rules.twoFactor.newSecret() } };
  },

  async get2faQrcode({ query, ctx }) {
    const png = await ctx.rules.twoFactor.qrPng(requirePrincipal(ctx).account, query.secret);
    return { status: 200, body: new Uint8Array(png), headers: { 'Content-Type': 'image/png' } };
  },

  async activate2fa({ body, ctx }) {
    await ctx.rules.twoFactor.enrol(requirePrincipal(ctx).account, body.secret, body.code, ctx.meta);
    return { status: 200, body: OK };
  },

  async deactivate2fa({ query, ctx }) {
    await ctx.rules.twoFactor.disable(requirePrincipal(ctx).account, query.code, ctx.meta);
    return { status: 200, body: OK };
  },
} satisfies Pick<H, 'getLocalAuth' | 'changePassword' | 'get2faSecret' | 'get2faQrcode' | 'activate2fa' | 'deactivate2fa'>;
