import { BOOTSTRAP_TTL_DEFAULT } from '../../core/faces/platform/bootstrap.js';
import { GatehouseError } from '../../core/errors.js';
import type { PlatformHandlers } from '../../generated/platform/handlers.gen.js';
import type { HandlerContext } from '../context.js';
import { admin, NO_STORE, principalView } from './common.js';

type H = PlatformHandlers<HandlerContext>;

/** Every login failure looks alike here (the original's 403 `invalid username or password`). */
function asPlatformLoginError(error: unknown): unknown {
  if (!(error instanceof GatehouseError)) return error;
  if (error.code === 'throttled') {
    return new GatehouseError('forbidden', { message: 'too many failed login attempts', ...(error.retryAfterSeconds ? { retryAfterSeconds: error.retryAfterSeconds } : {}), logDetail: error.logDetail });
  }
  if (error.code === 'totp_missing' || error.code === 'totp_failed') return new GatehouseError('forbidden', { message: 'two-factor authentication required', logDetail: error.code });
  if (error.status === 401) return new GatehouseError('forbidden', { message: 'invalid username or password', logDetail: error.logDetail ?? error.code });
  return error;
}

export const authHandlers = {
  async bootstrapComplete({ body, ctx }) {
    const signedIn = await ctx.services.platform.bootstrap.complete(
      { username: body.username, password: body.password, principalName: body.principal_name, bootstrapToken: body.bootstrap_token },
      ctx.meta,
    );
    return { status: 201, headers: NO_STORE, body: { token: signedIn.accessToken, token_type: 'Bearer', expires_in: signedIn.expiresIn, principal: principalView(signedIn.account) } };
  },

  async createBootstrapToken({ body, ctx }) {
    const caller = admin(ctx);
    const ttl = body.ttl_seconds ?? BOOTSTRAP_TTL_DEFAULT;
    const minted = await ctx.services.platform.bootstrap.mintToken(caller, ttl, ctx.meta);
    return { status: 201, headers: NO_STORE, body: { bootstrap_token: minted.token, ttl_seconds: ttl, expires_at: minted.expiresAt.toISOString() } };
  },

  async localLogin({ body, ctx }) {
    const { services } = ctx;
    if (!body.username.trim() || !body.password) throw new GatehouseError('bad_request', { message: 'username and password are required' });
    let account;
    try {
      account = await services.login.assertLogin({ identifier: body.username, password: body.password }, ctx.meta, 'auth:platform');
    } catch (error) {
      throw asPlatformLoginError(error);
    }
    const token = await services.oauth2.issueFirstPartyToken('platform', account, ctx.meta);
    await services.auditor.record(services.store.audit, ctx.meta, { accountId: account.id, level: 'info', module: 'auth:platform', message: 'AUTH_LOCAL_LOGIN' });
    return { status: 201, headers: NO_STORE, body: { token: token.accessToken, token_type: 'Bearer', expires_in: token.expiresIn, principal: principalView(account) } };
  },
} satisfies Pick<H, 'bootstrapComplete' | 'createBootstrapToken' | 'localLogin'>;
