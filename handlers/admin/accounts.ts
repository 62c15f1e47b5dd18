import { accountBody, NO_STORE, operator, type H } from './common.js';

/** Accounts (tag accounts). */
export const accountHandlers = {
  async adminListAccounts({ query, ctx }) {
    const page = await ctx.rules.accounts.list(query ?? {}, operator(ctx));
    return { status: 200, headers: NO_STORE, body: { items: page.items.map(accountBody), total: page.total, offset: page.offset, limit: page.limit } };
  },

  async adminCreateAccount({ body, ctx }) {
    const { display_name, given_name, family_name, is_admin, ...rest } = body;
    const account = await ctx.rules.accounts.create({ ...rest, displayName: display_name, givenName: given_name, familyName: family_name, isAdmin: is_admin }, operator(ctx));
    return { status: 201, headers: NO_STORE, body: accountBody(account) };
  },

  async adminGetAccount({ path, ctx }) {
    return { status: 200, headers: NO_STORE, body: accountBody(await ctx.rules.accounts.get(path.account, operator(ctx))) };
  },

  async adminUpdateAccount({ path, body, ctx }) {
    const { display_name, given_name, family_name, is_admin, ...rest } = body;
    const changes = {
      ...rest,
      ...(display_name !== undefined ? { displayName: display_name } : {}),
      ...(given_name !== undefined ? { givenName: given_name } : {}),
      ...(family_name !== undefined ? { familyName: family_name } : {}),
      ...(is_admin !== undefined ? { isAdmin: is_admin } : {}),
    };
    return { status: 200, headers: NO_STORE, body: accountBody(await ctx.rules.accounts.update(path.account, changes, operator(ctx))) };
  },

  async adminDeleteAccount({ path, ctx }) {
    await ctx.rules.accounts.delete(path.account, operator(ctx));
    return { status: 204 };
  },

  async adminResetSecondFactor({ path, ctx }) {
    await ctx.rules.accounts.resetSecondFactor(path.account, operator(ctx));
    return { status: 204 };
  },

  async adminSignOutAccount({ path, ctx }) {
    await ctx.rules.accounts.signOut(path.account, operator(ctx));
    return { status: 204 };
  },
} satisfies Partial<H>;
