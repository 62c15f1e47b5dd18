import type { PartialUser, User } from '../../generated/scim/types.gen.js';
import { projectionOf, SCIM_JSON, type H } from './common.js';

/** Accounts as SCIM Users (tag users). */
export const userHandlers = {
  async listScimUsers({ query, ctx }) {
    const list = await ctx.rules.users.list(query ?? {}, projectionOf(query), ctx.meta);
    return { status: 200, headers: SCIM_JSON, body: { ...list, Resources: list.Resources as PartialUser[] } };
  },

  async createScimUser({ body, ctx }) {
    const user: User = await ctx.rules.users.create(body, ctx.meta);
    return { status: 201, headers: { ...SCIM_JSON, Location: user.meta.location }, body: user };
  },

  async getScimUser({ path, query, ctx }) {
    return { status: 200, headers: SCIM_JSON, body: (await ctx.rules.users.get(path.id, projectionOf(query), ctx.meta)) as PartialUser };
  },

  async replaceScimUser({ path, body, ctx }) {
    return { status: 200, headers: SCIM_JSON, body: await ctx.rules.users.replace(path.id, body, ctx.meta) };
  },

  async patchScimUser({ path, body, ctx }) {
    return { status: 200, headers: SCIM_JSON, body: await ctx.rules.users.patch(path.id, body.Operations, ctx.meta) };
  },

  async deleteScimUser({ path, ctx }) {
    await ctx.rules.users.delete(path.id, ctx.meta);
    return { status: 204 };
  },
} satisfies Partial<H>;
