import { NO_STORE, operator, type H } from './common.js';

/** OAuth2 clients (tag oauth2-clients): configuration clients, read-only; never a secret. */
export const oauth2ClientHandlers = {
  async adminListOauth2Clients({ ctx }) {
    const clients = await ctx.rules.service.oauth2Clients(operator(ctx));
    const items = clients.map((c) => ({ client_id: c.clientId, name: c.name, redirect_uris: c.redirectUris, scopes: c.scopes, public: c.public, oidc: c.oidc, source: 'configuration' as const }));
    return { status: 200, headers: NO_STORE, body: { items } };
  },
} satisfies Partial<H>;
