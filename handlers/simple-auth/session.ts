import { resolveContinueUrl } from '../../core/kernel/continue-url.js';
import { clearedSessionCookie, OK, presentedSession, sessionCookie, type H } from './common.js';

function prefersJson(accept: string | string[] | undefined): boolean {
  if (typeof accept !== 'string') return false;
  const json = accept.indexOf('application/json');
  const html = accept.indexOf('text/html');
  return json !== -1 && (html === -1 || json < html);
}

export const sessionHandlers = {
  async createSession({ body, ctx }) {
    const credentials = { identifier: body.username, password: body.password, totp: body.totp };
    const { token } = await ctx.rules.signIn.signIn(credentials, presentedSession(ctx), ctx.meta);
    return { status: 200, body: OK, cookies: [sessionCookie(ctx, token)] };
  },

  async deleteSession({ ctx }) {
    const token = presentedSession(ctx);
    // Revoked in the database, not only cleared in the browser: a copied cookie dies too.
    if (token) await ctx.rules.sessions.end(token);
    return { status: 200, body: OK, cookies: [clearedSessionCookie(ctx)] };
  },

  async onetimeAuthenticate({ query, ctx }) {
    const session = await ctx.rules.onetime.redeem(query.token, ctx.meta);
    const cookies = [sessionCookie(ctx, session.token)];
    // A script asking for JSON gets the answer; a browser following the mailed link is redirected.
    if (prefersJson(ctx.requestHeaders.accept)) return { status: 200, body: OK, cookies };
    const { allowedContinueUrls, landingPage } = ctx.rules.settings;
    return { status: 302, body: OK, headers: { Location: resolveContinueUrl(query.continue, allowedContinueUrls, landingPage) }, cookies };
  },

  async createOnetime({ body, ctx }) {
    await ctx.rules.onetime.request(body.email, ctx.meta);
    // Same answer whether or not the address has an account: this endpoint must not enumerate.
    return { status: 200, body: OK };
  },
} satisfies Pick<H, 'createSession' | 'deleteSession' | 'onetimeAuthenticate' | 'createOnetime'>;
