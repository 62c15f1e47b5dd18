import { caller, credentialObject, NO_STORE, timestamp, type H } from './common.js';


/** The tenant's SCIM token (tag scim_token). */
export const scimTokenHandlers = {
  async recreateScimToken({ body, ctx }) {
    const created = await ctx.rules.scim.recreate(await caller(ctx), body ?? {}, ctx.meta);
    return { status: 200, headers: NO_STORE, body: { name: created.name, data: created.data, active: true, expiration_timestamp: timestamp(created.expiresAt) } };
  },

  async getScimToken({ ctx }) {
    const { credential, active } = await ctx.rules.scim.get(await caller(ctx));
    return { status: 200, body: credentialObject(credential, active, undefined, ctx.rules.settings.tenant) };
  },

  async revokeScimToken({ body, ctx }) {
    await ctx.rules.scim.revoke(await caller(ctx), body, ctx.meta);
    return { status: 200, body: { status: true } };
  },
} satisfies Partial<H>;
