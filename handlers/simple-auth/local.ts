import { GatehouseError } from '../../core/errors.js';
import type { SimpleAuthHandlers } from '../../generated/simple-auth/handlers.gen.js';
import { requirePrincipal, type HandlerContext } from '../context.js';
import { localLoginView, OK } from './common.js';

type H = SimpleAuthHandlers<HandlerContext>;

function assertTwoFactorAllowed(ctx: HandlerContext): void {
  if (!ctx.services.config.twoFactor.enabled) throw new GatehouseError('not_found', { reason: 'twofactor-disabled', message: 'two-factor authentication is disabled' });
}

function assertSecretShape(ctx: HandlerContext, secret: string): void {
  if (!ctx.services.totp.isValidSecret(secret)) throw new GatehouseError('bad_request', { reason: 'invalid-secret', message: 'secret is not base32' });
}

export const localHandlers = {
  async getLocalAuth({ ctx }) {
    const principal = requirePrincipal(ctx);
    if (!principal.account.passwordHash) throw new GatehouseError('local_login_not_found');
    return { status: 200, body: localLoginView(ctx, principal) };
  },

  async changePassword({ body, ctx }) {
    const principal = requirePrincipal(ctx);
    const view = localLoginView(ctx, principal);
    await ctx.services.accounts.changePassword(
      principal.account,
      { oldPassword: body.oldpassword, newPassword: body.newpassword, requireOld: view.requireOldPassword, keepSessionId: principal.session?.id },
      ctx.meta,
    );
    return { status: 200, body: view };
  },

  async get2faSecret({ ctx }) {
    requirePrincipal(ctx);
    assertTwoFactorAllowed(ctx);
    // Nothing is stored yet: the secret becomes the account's only when a code for it is shown.
    return { status: 200, body: { secret: ctx.services.totp.newSecret() } };
  },

  async get2faQrcode({ query, ctx }) {
    const { account } = requirePrincipal(ctx);
    assertTwoFactorAllowed(ctx);
    const secret = query.secret.trim().toUpperCase();
    if (!secret) throw new GatehouseError('bad_request', { reason: 'missing-secret', message: 'missing secret' });
    assertSecretShape(ctx, secret);
    const png = await ctx.services.totp.qrPng(secret, account.email ?? account.username);
    return { status: 200, body: new Uint8Array(png), headers: { 'Content-Type': 'image/png' } };
  },

  async activate2fa({ body, ctx }) {
    const { account } = requirePrincipal(ctx);
    assertTwoFactorAllowed(ctx);
    const { totp, store, auditor, clock } = ctx.services;
    const secret = body.secret.trim().toUpperCase();
    assertSecretShape(ctx, secret);
    const step = await totp.matchStep(secret, body.code.trim());
    if (step === undefined) throw new GatehouseError('bad_request', { reason: 'totp-failed', message: 'totp-failed' });
    await store.transaction(async (tx) => {
      await tx.accounts.setTotpSecret(account.id, totp.seal(account, secret), clock.now());
      // The code that proved enrolment cannot be replayed to log in.
      await tx.accounts.claimTotpStep(account.id, step);
      await auditor.record(tx.audit, ctx.meta, { accountId: account.id, level: 'info', module: 'auth:simple', message: 'Activated TOTP' });
    });
    return { status: 200, body: OK };
  },

  async deactivate2fa({ query, ctx }) {
    const { account } = requirePrincipal(ctx);
    assertTwoFactorAllowed(ctx);
    const { totp, store, auditor, clock } = ctx.services;
    if (!account.totpSecretSealed) throw new GatehouseError('totp_disabled');
    if (!(await totp.verifyAndConsume(store.accounts, account, query.code.trim()))) throw new GatehouseError('totp_failed');
    await store.accounts.setTotpSecret(account.id, null, clock.now());
    await auditor.record(store.audit, ctx.meta, { accountId: account.id, level: 'info', module: 'auth:simple', message: 'Disabled TOTP' });
    return { status: 200, body: OK };
  },
} satisfies Pick<H, 'getLocalAuth' | 'changePassword' | 'get2faSecret' | 'get2faQrcode' | 'activate2fa' | 'deactivate2fa'>;
