import { constantTimeEqual } from '../../core/crypto.js';
import { GatehouseError } from '../../core/errors.js';
import type { SimpleAuthHandlers } from '../../generated/simple-auth/handlers.gen.js';
import type { HandlerContext } from '../context.js';
import { OK } from './common.js';

type H = SimpleAuthHandlers<HandlerContext>;

function header(ctx: HandlerContext, name: string): string | undefined {
  const value = ctx.requestHeaders[name];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** The URL the proxied request was for, from the proxy's X-Forwarded-* headers (nginx, traefik). */
function forwardedUrl(ctx: HandlerContext, explicit: string | undefined): string | undefined {
  if (explicit) return explicit;
  const host = header(ctx, 'x-forwarded-host');
  if (!host) return undefined;
  return `${header(ctx, 'x-forwarded-proto') ?? 'http'}://${host}${header(ctx, 'x-forwarded-uri') ?? ''}`;
}

export const forwardAuthHandlers = {
  async simpleAuthenticate({ body, ctx }) {
    const { simple } = ctx.services.config.authenticators;
    if (!simple.enabled) throw new GatehouseError('not_found', { reason: 'simple-disabled', message: 'simple authentication is disabled' });
    if (simple.sharedSecret) {
      const [scheme, secret, ...rest] = (header(ctx, 'authorization') ?? '').split(/\s+/);
      if (scheme !== 'Bearer' || !secret || rest.length || !constantTimeEqual(secret, simple.sharedSecret)) {
        throw new GatehouseError('invalid_auth_token');
      }
    }
    try {
      const account = await ctx.services.login.assertLogin({ identifier: body.username, password: body.password, totp: body.totp }, ctx.meta);
      return { status: 200, body: { id: account.uuid, username: account.username } };
    } catch (error) {
      // The document answers a failed login with 403 here (not 401 as on /auth/session).
      if (error instanceof GatehouseError && error.status === 401) throw new GatehouseError('forbidden', { reason: simpleAuthReason(error), message: error.message });
      throw error;
    }
  },

  async vouch({ query, ctx }) {
    const { vouch } = ctx.services.config.authenticators;
    if (!vouch.enabled) throw new GatehouseError('not_found', { reason: 'vouch-disabled', message: 'vouch is disabled' });
    if (ctx.principal) {
      const headers: Record<string, string> = vouch.userHeader ? { [vouch.userHeader]: ctx.principal.account.uuid } : {};
      return { status: 200, body: OK, headers };
    }
    if (query?.forward) {
      const login = new URL('/login', ctx.services.config.server.publicUrl);
      const target = forwardedUrl(ctx, query.continue);
      if (target) login.searchParams.set('continue', target);
      return {
        status: 307,
        headers: { Location: login.toString() },
        body: { error: true, message: 'Request did not pass any authentication schemes', reason: 'unauthorized' },
      };
    }
    throw new GatehouseError('unauthenticated');
  },
} satisfies Pick<H, 'simpleAuthenticate' | 'vouch'>;

function simpleAuthReason(error: GatehouseError): string {
  return error.code.replace(/_/g, '-');
}
