import type { PortalSelf } from '../../core/faces/portal/account.js';
import { NO_STORE, portalCaller, type H } from './common.js';

/** The initial load's `user`, as Valstorm's front end reads it. */
function loadBody(self: PortalSelf) {
  const { account, current, memberships } = self;
  return {
    user: {
      id: account.uuid,
      name: account.displayName || account.username,
      email: account.email,
      organization_id: current?.organization.uuid ?? null,
      organization_name: current?.organization.name ?? null,
      role: { name: current?.role ?? null },
      is_superuser: account.isAdmin,
      is_account_admin: current?.role === 'admin',
      is_impersonating: self.impersonating,
      mfa_required: self.mfaRequired,
      organizations: memberships.map((m) => ({ id: m.organization.uuid, name: m.organization.name, role: m.role })),
    },
  };
}

/** The signed-in side: who am I, sign out, switch organization, impersonate, hand over to a browser. */
export const sessionHandlers = {
  async initialLoad({ ctx }) {
    return { status: 200, body: loadBody(await ctx.rules.account.load(portalCaller(ctx))) };
  },

  async logout({ ctx }) {
    await ctx.rules.account.logout(portalCaller(ctx), ctx.meta);
    return { status: 204 };
  },

  async switchOrg({ body, ctx }) {
    return { status: 200, headers: NO_STORE, body: await ctx.rules.account.switchOrg(portalCaller(ctx), body.id, ctx.meta) };
  },

  async loginAsUser({ body, ctx }) {
    return { status: 200, headers: NO_STORE, body: await ctx.rules.impersonation.loginAs(portalCaller(ctx), body.user_id, ctx.meta) };
  },

  async generateCliBrowserToken({ ctx }) {
    return { status: 200, headers: NO_STORE, body: await ctx.rules.cli.mint(portalCaller(ctx), ctx.meta) };
  },

  async consumeCliBrowserToken({ body, ctx }) {
    // `code` wins when both names are sent (openapi/portal.yaml).
    const code = body.code ?? body.exchange_code ?? '';
    return { status: 200, headers: NO_STORE, body: await ctx.rules.cli.consume(code, ctx.meta) };
  },

  async refreshPortalToken({ body, ctx }) {
    return { status: 200, headers: NO_STORE, body: await ctx.rules.tokens.refresh(body.refresh_token, ctx.meta) };
  },
} satisfies Pick<H, 'initialLoad' | 'logout' | 'switchOrg' | 'loginAsUser' | 'generateCliBrowserToken' | 'consumeCliBrowserToken' | 'refreshPortalToken'>;
