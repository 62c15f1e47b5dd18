import { OK, presentedSession, type H } from './common.js';

export const stipulationHandlers = {
  async satisfyStipulation({ body, ctx }) {
    await ctx.rules.accounts.satisfyStipulation(body.account || undefined, presentedSession(ctx), body.token, ctx.meta);
    return { status: 200, body: OK };
  },
} satisfies Pick<H, 'satisfyStipulation'>;
