import { NO_STORE, operator, type H } from './common.js';

/** The audit trail (tag audit). */
export const auditHandlers = {
  async adminQueryAudit({ query, ctx }) {
    const { since, until, ...rest } = query ?? {};
    const page = await ctx.rules.service.audit({ ...rest, ...(since ? { since: new Date(since) } : {}), ...(until ? { until: new Date(until) } : {}) }, operator(ctx));
    const items = page.items.map((r) => ({
      at: r.at.toISOString(),
      level: r.level,
      module: r.module,
      message: r.message,
      account: r.account ? { id: r.account.uuid, username: r.account.username } : null,
      request_id: r.requestId,
      ip: r.ip,
    }));
    return { status: 200, headers: NO_STORE, body: { items, total: page.total, offset: page.offset, limit: page.limit } };
  },
} satisfies Partial<H>;
