import { memberBody, NO_STORE, operator, organizationBody, type H } from './common.js';

/** Organizations and their members (tag organizations). */
export const organizationHandlers = {
  async adminListOrganizations({ query, ctx }) {
    const page = await ctx.rules.directory.organizations(query ?? {}, operator(ctx));
    return { status: 200, headers: NO_STORE, body: { items: page.items.map(organizationBody), total: page.total, offset: page.offset, limit: page.limit } };
  },

  async adminCreateOrganization({ body, ctx }) {
    const organization = await ctx.rules.directory.createOrganization({ name: body.name, externalId: body.external_id }, operator(ctx));
    return { status: 201, headers: NO_STORE, body: organizationBody(organization) };
  },

  async adminGetOrganization({ path, ctx }) {
    return { status: 200, headers: NO_STORE, body: organizationBody(await ctx.rules.directory.organization(path.organization, operator(ctx))) };
  },

  async adminUpdateOrganization({ path, body, ctx }) {
    const organization = await ctx.rules.directory.updateOrganization(path.organization, { name: body.name, externalId: body.external_id }, operator(ctx));
    return { status: 200, headers: NO_STORE, body: organizationBody(organization) };
  },

  async adminDeleteOrganization({ path, ctx }) {
    await ctx.rules.directory.deleteOrganization(path.organization, operator(ctx));
    return { status: 204 };
  },

  async adminListMembers({ path, ctx }) {
    const members = await ctx.rules.directory.members(path.organization, operator(ctx));
    return { status: 200, headers: NO_STORE, body: { items: members.map(memberBody) } };
  },

  async adminSetMember({ path, body, ctx }) {
    return { status: 200, headers: NO_STORE, body: memberBody(await ctx.rules.directory.setMember(path.organization, path.account, body.role, operator(ctx))) };
  },

  async adminRemoveMember({ path, ctx }) {
    await ctx.rules.directory.removeMember(path.organization, path.account, operator(ctx));
    return { status: 204 };
  },
} satisfies Partial<H>;
