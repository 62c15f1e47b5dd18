import { SCIM_JSON, type H } from './common.js';

/** What this service provider supports (tag discovery, RFC 7644 §4). */
export const discoveryHandlers = {
  async getScimServiceProviderConfig({ ctx }) {
    return { status: 200, headers: SCIM_JSON, body: ctx.rules.serviceProviderConfig() };
  },

  async listScimResourceTypes({ ctx }) {
    return { status: 200, headers: SCIM_JSON, body: ctx.rules.resourceTypes() };
  },

  async listScimSchemas({ ctx }) {
    return { status: 200, headers: SCIM_JSON, body: ctx.rules.schemas() };
  },
} satisfies Partial<H>;
