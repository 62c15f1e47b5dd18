import { bulkBody, caller, credentialObject, listItem, NO_STORE, timestamp, type H } from './common.js';
import { requirePrincipal } from '../context.js';


/** The caller's own credentials (tag api_credential), and both bulk revokes. */
export const apiCredentialHandlers = {
  async getCredentialCa({ ctx }) {
    const pem = await ctx.rules.ca.certificatePem();
    return { status: 200, body: new TextEncoder().encode(pem), headers: { 'Content-Type': 'application/x-pem-file', 'Cache-Control': 'public, max-age=3600' } };
  },

  async createApiCredential({ path, body, ctx }) {
    const created = await ctx.rules.mine.create(
      await caller(ctx),
      path.namespace,
      {
        name: body.name,
        namespace: body.namespace,
        expirationDays: body.expiration_days,
        type: body.spec.type,
        password: body.spec.password,
        virtualK8sName: body.spec.virtual_k8s_name,
        virtualK8sNamespace: body.spec.virtual_k8s_namespace,
      },
      ctx.meta,
    );
    return { status: 200, headers: NO_STORE, body: { name: created.name, data: created.data, active: true, expiration_timestamp: timestamp(created.expiresAt) } };
  },

  async listApiCredentials({ path, ctx }) {
    // One's own list needs no roles: the account alone, without reading its service credential.
    const items = await ctx.rules.mine.list(requirePrincipal(ctx).account, path.namespace);
    return { status: 200, body: { items: items.map(listItem) } };
  },

  async getApiCredential({ path, ctx }) {
    const { credential, owner, active } = await ctx.rules.mine.get(await caller(ctx), path.namespace, path.name);
    return { status: 200, body: credentialObject(credential, active, owner, ctx.rules.settings.tenant) };
  },

  async activateApiCredential({ path, body, ctx }) {
    await ctx.rules.mine.activate(await caller(ctx), path.namespace, body, ctx.meta);
    return { status: 200, body: { status: true } };
  },

  async renewApiCredential({ path, body, ctx }) {
    await ctx.rules.mine.renew(await caller(ctx), path.namespace, body, ctx.meta);
    return { status: 200, body: { status: true } };
  },

  async revokeApiCredential({ path, body, ctx }) {
    await ctx.rules.mine.revoke(await caller(ctx), path.namespace, body, ctx.meta);
    return { status: 200, body: { status: true } };
  },

  async bulkRevokeApiCredentials({ body, ctx }) {
    return { status: 200, body: bulkBody(await ctx.rules.mine.bulkRevoke(await caller(ctx), body, ctx.meta)) };
  },

  async bulkRevokeServiceCredentials({ body, ctx }) {
    return { status: 200, body: bulkBody(await ctx.rules.service.bulkRevoke(await caller(ctx), body, ctx.meta)) };
  },
} satisfies Partial<H>;
