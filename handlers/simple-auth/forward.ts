import { constantTimeEqual } from '../../core/crypto.js';
import { GatehouseError } from '../../core/errors.js';
import { OK, type Ctx, type H } from './common.js';

function header(ctx: Ctx, name: string): string | undefined {
  const value = ctx.requestHeaders[name];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** `forward` values that ask for the login redirect: proxies' recipes spell the flag every way. */
const FORWARD_TRUE: ReadonlySet<string> = new Set(['1', 'true', 'yes', 'on', '']);
const FORWARDED_PROTO = /^https?$/i;
const FORWARDED_HOST = /^([a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(:\d{1,5})?$/i;

/**
 * The URL the proxied request was for, from the proxy's X-Forwarded-* headers (nginx, traefik).
 * Behind a chain of proxies a header may hold a list: the first value is the client-facing one.
 * A host or path that would change the URL's authority (`X-Forwarded-Uri: @evil.example/` makes
 * `https://app.example.com@evil.example/`) gives no continue URL rather than a forged one.
 */
function forwardedUrl(ctx: Ctx, explicit: string | undefined): string | undefined {
  if (explicit) return explicit;
  const first = (name: string) => header(ctx, name)?.split(',')[0]!.trim();
  const host = first('x-forwarded-host');
  const proto = first('x-forwarded-proto') || 'http';
  const uri = header(ctx, 'x-forwarded-uri') ?? '';
  if (!host || !FORWARDED_HOST.test(host) || !FORWARDED_PROTO.test(proto) || (uri && !uri.startsWith('/'))) return undefined;
  return `${proto.toLowerCase()}://${host}${uri}`;
}

export const forwardAuthHandlers = {
  async simpleAuthenticate({ body, ctx }) {
    const { simple } = ctx.rules.settings;
    if (!simple.enabled) throw new GatehouseError('not_found', { reason: 'simple-disabled', message: 'simple authentication is disabled' });
    if (simple.sharedSecret) {
      const [scheme, secret, ...rest] = (header(ctx, 'authorization') ?? '').split(/\s+/);
      // The auth scheme is case-insensitive (RFC 9110 §11.1): `bearer <secret>` is as good.
      if (scheme?.toLowerCase() !== 'bearer' || !secret || rest.length || !constantTimeEqual(secret, simple.sharedSecret)) {
        throw new GatehouseError('invalid_auth_token', { challenge: 'Bearer' });
      }
    }
    const account = await ctx.rules.signIn.verify({ identifier: body.username, password: body.password, totp: body.totp }, ctx.meta);
    return { status: 200, body: { id: account.uuid, username: account.username } };
  },

  async vouch({ query, ctx }) {
    const { vouch } = ctx.rules.settings;
    if (!vouch.enabled) throw new GatehouseError('not_found', { reason: 'vouch-disabled', message: 'vouch is disabled' });
    if (ctx.principal) {
      const headers: Record<string, string> = vouch.userHeader ? { [vouch.userHeader]: ctx.principal.account.uuid } : {};
      return { status: 200, body: OK, headers };
    }
    if (query?.forward !== undefined && FORWARD_TRUE.has(query.forward)) {
      // Appended, not resolved: `new URL('/login', base)` would drop a path prefix of the public URL.
      const login = new URL(`${ctx.rules.settings.publicUrl}/login`);
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
