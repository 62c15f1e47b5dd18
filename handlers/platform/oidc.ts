import { admin, FLOW_COOKIE, NO_STORE, prefersJson, principalView, type H } from './common.js';

export const oidcHandlers = {
  async getOIDCProvider({ ctx }) {
    admin(ctx);
    const row = await ctx.rules.providers.current();
    return {
      status: 200,
      body: {
        enabled: row?.enabled ?? false,
        issuer_url: row?.issuerUrl ?? null,
        jwks_url: row?.jwksUrl ?? null,
        audience: row?.audience ?? null,
        client_id: row?.clientId ?? null,
        scopes: row?.scopes ?? null,
        updated_at: row ? row.updatedAt.toISOString() : null,
        secret_stored: Boolean(row?.clientSecretSealed),
      },
    };
  },

  async upsertOIDCProvider({ body, ctx }) {
    await ctx.rules.providers.replace(body, admin(ctx), ctx.meta);
    return { status: 204 };
  },

  async startOIDCLogin({ query, ctx }) {
    const started = await ctx.rules.oidcLogin.start(query?.continue);
    // Binds the flow to this browser: a callback carrying someone else's state is refused.
    const cookies = [{ name: FLOW_COOKIE, value: started.browserToken, path: '/auth/oidc', maxAgeSeconds: 600, httpOnly: true }];
    if (prefersJson(ctx)) return { status: 200, headers: NO_STORE, cookies, body: { authorization_url: started.authorizationUrl } };
    return { status: 302, headers: { ...NO_STORE, Location: started.authorizationUrl }, cookies };
  },

  async completeOIDCLogin({ query, ctx }) {
    const done = await ctx.rules.oidcLogin.complete(
      { code: query.code, state: query.state, error: query.error, errorDescription: query.error_description, iss: query.iss },
      ctx.cookies[FLOW_COOKIE],
      ctx.meta,
    );
    const cookies = [
      { name: ctx.rules.settings.uiSessionCookie, value: done.session.token, path: '/', maxAgeSeconds: done.session.maxAgeSeconds, httpOnly: true },
      { name: FLOW_COOKIE, value: '', path: '/auth/oidc', maxAgeSeconds: 0, httpOnly: true },
    ];
    if (prefersJson(ctx)) return { status: 200, headers: NO_STORE, cookies, body: { continue_url: done.continueUrl, principal: principalView(done.account) } };
    return { status: 302, headers: { ...NO_STORE, Location: done.continueUrl }, cookies };
  },
} satisfies Pick<H, 'getOIDCProvider' | 'upsertOIDCProvider' | 'startOIDCLogin' | 'completeOIDCLogin'>;
