import type { ClientView } from '../../core/kernel/oauth2/client-admin.js';
import type { OAuth2Client } from '../../generated/admin/types.gen.js';
import { NO_STORE, operator, type H } from './common.js';

const clientBody = (c: ClientView): OAuth2Client => ({ client_id: c.id, name: c.name, redirect_uris: c.redirectUris, scopes: c.scopes, public: c.public, oidc: c.oidc, source: c.source });

/** OAuth2 clients (tag oauth2-clients): configured ones read-only, registered ones managed; a secret only once. */
export const oauth2ClientHandlers = {
  async adminListOauth2Clients({ ctx }) {
    return { status: 200, headers: NO_STORE, body: { items: (await ctx.rules.service.oauth2Clients(operator(ctx))).map(clientBody) } };
  },

  async adminCreateOauth2Client({ body, ctx }) {
    const input = { id: body.client_id, name: body.name, redirectUris: body.redirect_uris, scopes: body.scopes ?? [], public: body.public, oidc: body.oidc, idTokenSignedResponseAlg: body.id_token_signed_response_alg };
    const { client, secret } = await ctx.rules.service.createOauth2Client(input, operator(ctx));
    return { status: 201, headers: NO_STORE, body: { client: clientBody(client), client_secret: secret ?? null } };
  },

  async adminUpdateOauth2Client({ path, body, ctx }) {
    const changes = { ...(body.name !== undefined ? { name: body.name } : {}), ...(body.redirect_uris ? { redirectUris: body.redirect_uris } : {}), ...(body.scopes ? { scopes: body.scopes } : {}) };
    return { status: 200, headers: NO_STORE, body: clientBody(await ctx.rules.service.updateOauth2Client(path.client_id, changes, operator(ctx))) };
  },

  async adminRotateOauth2ClientSecret({ path, ctx }) {
    const { client, secret } = await ctx.rules.service.rotateOauth2ClientSecret(path.client_id, operator(ctx));
    return { status: 200, headers: NO_STORE, body: { client: clientBody(client), client_secret: secret } };
  },

  async adminDeleteOauth2Client({ path, ctx }) {
    await ctx.rules.service.deleteOauth2Client(path.client_id, operator(ctx));
    return { status: 204 };
  },
} satisfies Partial<H>;
