import { caller, NO_STORE, serviceItem, timestamp, type H } from './common.js';


/** Service credentials and their service accounts (tag service_credential). */
export const serviceCredentialHandlers = {
  async createServiceCredential({ path, body, ctx }) {
    const created = await ctx.rules.service.create(await caller(ctx), path.namespace, body, ctx.meta);
    return { status: 200, headers: NO_STORE, body: { name: created.name, data: created.data, active: true, expiration_timestamp: timestamp(created.expiresAt) } };
  },

  async listServiceCredentials({ path, ctx }) {
    const items = await ctx.rules.service.list(await caller(ctx), path.namespace);
    return { status: 200, body: { items: items.map(serviceItem) } };
  },

  async getServiceCredential({ path, ctx }) {
    return { status: 200, body: serviceItem(await ctx.rules.service.get(await caller(ctx), path.namespace, path.name)) };
  },

  async replaceServiceCredential({ path, body, ctx }) {
    const view = await ctx.rules.service.replace(await caller(ctx), path.namespace, path.name, body, ctx.meta);
    return { status: 200, body: { name: view.credential.name, active: view.active, expiration_timestamp: timestamp(view.credential.expiresAt) } };
  },

  async activateServiceCredential({ path, body, ctx }) {
    await ctx.rules.service.activate(await caller(ctx), path.namespace, body, ctx.meta);
    return { status: 200, body: { status: true } };
  },

  async renewServiceCredential({ path, body, ctx }) {
    await ctx.rules.service.renew(await caller(ctx), path.namespace, body, ctx.meta);
    return { status: 200, body: { status: true } };
  },

  async revokeServiceCredential({ path, body, ctx }) {
    await ctx.rules.service.revoke(await caller(ctx), path.namespace, body, ctx.meta);
    return { status: 200, body: { status: true } };
  },
} satisfies Partial<H>;
