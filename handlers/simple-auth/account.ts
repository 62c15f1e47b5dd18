import { requirePrincipal } from '../context.js';
import { localLoginBody, sessionCookie, type H } from './common.js';

export const accountHandlers = {
  async getAccount({ ctx }) {
    const principal = requirePrincipal(ctx);
    const { account } = principal;
    return {
      status: 200,
      body: {
        id: account.uuid,
        created: account.createdAt.toISOString(),
        email: account.email ?? '',
        name: account.displayName,
        auth: account.passwordHash ? { local: localLoginBody(ctx.rules.accounts.localLogin(principal)) } : {},
      },
    };
  },

  async getAccountAudit({ query, ctx }) {
    const records = await ctx.rules.accounts.auditTrail(requirePrincipal(ctx).account, query?.offset, query?.limit);
    return { status: 200, body: { records: records.map((r) => ({ ts: r.at.toISOString(), module: r.module, level: r.level, message: r.message })) } };
  },

  async createAccount({ body, query, ctx }) {
    const created = await ctx.rules.accounts.create({ username: body.username, email: body.email, password: body.password }, query?.createSession === true, ctx.meta);
    const reply: { id: string; createdSession?: boolean; hasStipulations?: boolean } = { id: created.account.uuid };
    if (created.hasStipulations) reply.hasStipulations = true;
    if (!created.session) return { status: 200, body: reply };
    return { status: 200, body: { ...reply, createdSession: true }, cookies: [sessionCookie(ctx, created.session.token)] };
  },

  async checkUsername({ body, ctx }) {
    return { status: 200, body: { username: body.username, exists: await ctx.rules.accounts.usernameExists(body.username, ctx.meta) } };
  },
} satisfies Pick<H, 'getAccount' | 'getAccountAudit' | 'createAccount' | 'checkUsername'>;
