import { admin, type H } from './common.js';

export const webSessionHandlers = {
  async revokeAllWebSessions({ body, ctx }) {
    const caller = admin(ctx);
    ctx.rules.webSessions.assertEnabled();
    await ctx.rules.webSessions.revokeAll(body.principal_id, caller, ctx.meta);
    return { status: 204 };
  },

  async getWebSessionStats({ ctx }) {
    admin(ctx);
    const { webSessions } = ctx.rules;
    webSessions.assertEnabled();
    const { active, counters } = await webSessions.stats();
    const { idleSeconds, absoluteSeconds } = webSessions.lifetimes;
    return {
      status: 200,
      body: {
        active_sessions: active,
        idle_ttl_seconds: idleSeconds,
        absolute_ttl_seconds: absoluteSeconds,
        created_total: counters.created,
        resolved_total: counters.resolved,
        resolve_failed_total: counters.resolveFailed,
        revoked_total: counters.revoked,
        revoked_all_total: counters.revokedAll,
        reaped_total: counters.reaped,
      },
    };
  },
} satisfies Pick<H, 'revokeAllWebSessions' | 'getWebSessionStats'>;
