import { GatehouseError } from '../../core/errors.js';
import type { SimpleAuthHandlers } from '../../generated/simple-auth/handlers.gen.js';
import { requirePrincipal, type HandlerContext } from '../context.js';
import { localLoginView, sessionCookie } from './common.js';

type H = SimpleAuthHandlers<HandlerContext>;

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
        auth: account.passwordHash ? { local: localLoginView(ctx, principal) } : {},
      },
    };
  },

  async getAccountAudit({ query, ctx }) {
    const { account } = requirePrincipal(ctx);
    const offset = Math.max(0, query?.offset ?? 0);
    const limit = Math.min(100, Math.max(1, query?.limit ?? 10));
    const records = await ctx.services.accounts.auditTrail(account, offset, limit);
    return {
      status: 200,
      body: { records: records.map((r) => ({ ts: r.at.toISOString(), module: r.module, level: r.level, message: r.message })) },
    };
  },

  async createAccount({ body, query, ctx }) {
    const { services } = ctx;
    if (!services.config.accounts.createEnabled) throw new GatehouseError('feature_disabled', { reason: 'account-creation-disabled', message: 'account creation is disabled' });
    const created = await services.accounts.create({ username: body.username, email: body.email, password: body.password }, ctx.meta);
    void services.mail.dispatch(created.mail);
    const reply = { id: created.account.uuid } as { id: string; createdSession?: boolean; hasStipulations?: boolean };
    if (created.hasStipulations) reply.hasStipulations = true;
    if (query?.createSession && !created.hasStipulations) {
      const { token } = await services.sessions.start(created.account, 'simple-auth', 'login', ctx.meta);
      reply.createdSession = true;
      return { status: 200, body: reply, cookies: [sessionCookie(ctx, token)] };
    }
    return { status: 200, body: reply };
  },

  async checkUsername({ body, ctx }) {
    return { status: 200, body: { username: body.username, exists: await ctx.services.accounts.usernameExists(body.username) } };
  },
} satisfies Pick<H, 'getAccount' | 'getAccountAudit' | 'createAccount' | 'checkUsername'>;
