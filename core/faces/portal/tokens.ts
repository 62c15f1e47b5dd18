import { GatehouseError } from '../../errors.js';
import type { RequestMeta } from '../../kernel/audit.js';
import type { Account } from '../../kernel/model.js';
import type { Kernel } from '../../kernel/index.js';
import type { Organization } from './ports.js';

/** The contract's `Token`. */
export interface PortalToken {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
}

export interface TokenScope {
  /** the organization the tokens act in (the `org` claim); null: none */
  organization: Organization | null;
  /** the impersonator, when the tokens act as another user (RFC 8693 §4.1 `act`) */
  actor?: Account | undefined;
}

/** Password-flow refresh tokens live 7 days (Valstorm's CLI notes). */
const REFRESH_SECONDS = 7 * 86400;
/** An impersonation must not outlive the admin's attention for long: 1 hour at most. */
const IMPERSONATION_REFRESH_SECONDS = 3600;

/**
 * Every portal sign-in is a new grant of the built-in `gatehouse:portal` client: the access token
 * and its refresh token share it, so logout (or a password reset) revokes the pair on every
 * instance at once.
 */
export class PortalTokens {
  constructor(private readonly kernel: Kernel) {}

  async issue(account: Account, scope: TokenScope, meta: RequestMeta): Promise<PortalToken> {
    const claims: Record<string, unknown> = {};
    if (scope.organization) claims.org = scope.organization.uuid;
    if (scope.actor) claims.act = { sub: scope.actor.uuid };
    const refreshSeconds = scope.actor ? IMPERSONATION_REFRESH_SECONDS : REFRESH_SECONDS;
    const token = await this.kernel.tokens.issue('portal', account, meta, { claims, refreshSeconds });
    if (!token.refreshToken) throw new Error('portal token issued without a refresh token');
    return { access_token: token.accessToken, refresh_token: token.refreshToken, token_type: 'bearer' };
  }

  /** POST /v1/oauth2/refresh: a new pair for a live refresh token; every failure answers alike. */
  async refresh(refreshToken: string, meta: RequestMeta): Promise<PortalToken> {
    const token = await this.kernel.tokens.refresh('portal', refreshToken, meta);
    if (!token?.refreshToken) throw new GatehouseError('invalid_token', { message: 'Invalid refresh token', logDetail: 'unknown, expired, used or revoked refresh token' });
    return { access_token: token.accessToken, refresh_token: token.refreshToken, token_type: 'bearer' };
  }
}
