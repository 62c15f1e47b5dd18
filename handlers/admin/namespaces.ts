import { NO_STORE, operator, type H } from './common.js';

const namespaceBody = (n: { name: string; createdAt: Date; credentials: number }) => ({ name: n.name, created_at: n.createdAt.toISOString(), credentials: n.credentials });

/** Credential namespaces (tag namespaces). */
export const namespaceHandlers = {
  async adminListNamespaces({ ctx }) {
    return { status: 200, headers: NO_STORE, body: { items: (await ctx.rules.directory.namespaces(operator(ctx))).map(namespaceBody) } };
  },

  async adminCreateNamespace({ body, ctx }) {
    return { status: 201, headers: NO_STORE, body: namespaceBody(await ctx.rules.directory.createNamespace(body.name, operator(ctx))) };
  },

  async adminDeleteNamespace({ path, ctx }) {
    await ctx.rules.directory.deleteNamespace(path.namespace, operator(ctx));
    return { status: 204 };
  },
} satisfies Partial<H>;
