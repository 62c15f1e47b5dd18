import type { CredentialsHandlers } from '../../generated/credentials/handlers.gen.js';
import type { HandlerContext } from '../context.js';
import { caller, credentialObject, NO_STORE, timestamp } from './common.js';

type H = CredentialsHandlers<HandlerContext>;

/** The tenant's SCIM token (tag scim_token). */
export const scimTokenHandlers = {
  async recreateScimToken({ body, ctx }) {
    const created = await ctx.services.credentials.scim.recreate(await caller(ctx), body ?? {}, ctx.meta);
    return { status: 200, headers: NO_STORE, body: { name: created.name, data: created.data, active: true, expiration_timestamp: timestamp(created.expiresAt) } };
  },

  async getScimToken({ ctx }) {
    const { credential, active } = await ctx.services.credentials.scim.get(await caller(ctx));
    return { status: 200, body: credentialObject(credential, active, undefined, ctx.services.config.credentials.tenant) };
  },

  async revokeScimToken({ body, ctx }) {
    await ctx.services.credentials.scim.revoke(await caller(ctx), body, ctx.meta);
    return { status: 200, body: { status: true } };
  },
} satisfies Partial<H>;
