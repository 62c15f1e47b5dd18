import { NO_STORE, operator, type H } from './common.js';

/** The outbox of an install without SMTP (tag mail): bodies hold live codes and links. */
export const mailHandlers = {
  async adminListMail({ query, ctx }) {
    const page = await ctx.rules.service.mail(query ?? {}, operator(ctx));
    const items = page.items.map((m) => ({ to: m.to, subject: m.subject, body: m.text, created_at: m.createdAt.toISOString() }));
    return { status: 200, headers: NO_STORE, body: { items, total: page.total, offset: page.offset, limit: page.limit } };
  },
} satisfies Partial<H>;
