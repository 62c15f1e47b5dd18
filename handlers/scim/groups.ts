import type { Group, PartialGroup } from '../../generated/scim/types.gen.js';
import { projectionOf, SCIM_JSON, type H } from './common.js';

/** Organizations as SCIM Groups (tag groups). */
export const groupHandlers = {
  async listScimGroups({ query, ctx }) {
    const list = await ctx.rules.groups.list(query ?? {}, projectionOf(query), ctx.meta);
    return { status: 200, headers: SCIM_JSON, body: { ...list, Resources: list.Resources as PartialGroup[] } };
  },

  async createScimGroup({ body, ctx }) {
    const group: Group = await ctx.rules.groups.create(body, ctx.meta);
    return { status: 201, headers: { ...SCIM_JSON, Location: group.meta.location }, body: group };
  },

  async getScimGroup({ path, query, ctx }) {
    return { status: 200, headers: SCIM_JSON, body: (await ctx.rules.groups.get(path.id, projectionOf(query), ctx.meta)) as PartialGroup };
  },

  async replaceScimGroup({ path, body, ctx }) {
    return { status: 200, headers: SCIM_JSON, body: await ctx.rules.groups.replace(path.id, body, ctx.meta) };
  },

  async patchScimGroup({ path, body, ctx }) {
    return { status: 200, headers: SCIM_JSON, body: await ctx.rules.groups.patch(path.id, body.Operations, ctx.meta) };
  },

  async deleteScimGroup({ path, ctx }) {
    await ctx.rules.groups.delete(path.id, ctx.meta);
    return { status: 204 };
  },
} satisfies Partial<H>;
