import { resolveContinueUrl } from '../../core/kernel/continue-url.js';
import { GatehouseError } from '../../core/errors.js';
import type { SimpleAuthHandlers } from '../../generated/simple-auth/handlers.gen.js';
import type { HandlerContext } from '../context.js';
import { clearedSessionCookie, OK, sessionCookie } from './common.js';

type H = SimpleAuthHandlers<HandlerContext>;

function prefersJson(accept: string | string[] | undefined): boolean {
  if (typeof accept !== 'string') return false;
  const json = accept.indexOf('application/json');
  const html = accept.indexOf('text/html');
  return json !== -1 && (html === -1 || json < html);
}

export const sessionHandlers = {
  async createSession({ body, ctx }) {
    const { services } = ctx;
    const credentials = { identifier: body.username, password: body.password, totp: body.totp };
    const { token } = await services.simpleAuth.signIn.signIn(credentials, ctx.cookies[services.config.cookies.sessionName], ctx.meta);
    return { status: 200, body: OK, cookies: [sessionCookie(ctx, token)] };
  },

  async deleteSession({ ctx }) {
    const token = ctx.cookies[ctx.services.config.cookies.sessionName];
    // Revoked in the database, not only cleared in the browser: a copied cookie dies too.
    if (token) await ctx.services.sessions.end(token);
    return { status: 200, body: OK, cookies: [clearedSessionCookie(ctx)] };
  },

  async onetimeAuthenticate({ query, ctx }) {
    const { services } = ctx;
    const { onetime, login } = services.config;
    if (!onetime.enabled) throw new GatehouseError('feature_disabled', { reason: 'onetime-disabled', message: 'one-time login is disabled' });
    const token = query.token.trim();
    if (!token) throw new GatehouseError('bad_request', { message: 'missing token' });
    const account = await services.onetime.redeem(token, ctx.meta);
    const session = await services.sessions.start(account, 'simple-auth', 'onetime', ctx.meta);
    const cookies = [sessionCookie(ctx, session.token)];
    // A script asking for JSON gets the answer; a browser following the mailed link is redirected.
    if (prefersJson(ctx.requestHeaders.accept)) return { status: 200, body: OK, cookies };
    const location = resolveContinueUrl(query.continue, login.allowedContinueUrls, login.landingPage);
    return { status: 302, body: OK, headers: { Location: location }, cookies };
  },

  async createOnetime({ body, ctx }) {
    const { services } = ctx;
    const { onetime } = services.config;
    if (!onetime.enabled || !onetime.allowForgotPassword) {
      throw new GatehouseError('feature_disabled', { reason: 'forgot-password-disabled', message: 'one-time login by email is disabled' });
    }
    const mail = await services.onetime.issueForEmail(body.email, ctx.meta);
    if (mail) void services.mail.dispatch([mail]);
    // Same answer whether or not the address has an account: this endpoint must not enumerate.
    return { status: 200, body: OK };
  },
} satisfies Pick<H, 'createSession' | 'deleteSession' | 'onetimeAuthenticate' | 'createOnetime'>;
