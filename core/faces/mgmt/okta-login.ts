import type { RequestMeta } from '../../kernel/audit.js';
import type { OktaSettings } from '../../config.js';
import { GatehouseError, isGatehouseError } from '../../errors.js';
import type { Kernel } from '../../kernel/index.js';
import type { RateLimiter } from '../../kernel/rate-limit.js';
import { IdTokenVerifier, invalidIdToken, type VerifiedIdToken } from './id-token-verifier.js';
import type { IdTokenUseRepository } from './ports.js';
import { rolesForGroups } from './roles.js';
import { MGMT_MODULE, signIn, type MgmtSignedIn } from './tokens.js';

export interface OktaSignInConfig {
  baseUrl: string;
  clientId: string;
  issuer: string;
  /** the effective audience: the configured one, else the client id (what the verifier checks) */
  audience: string;
  mapRoles: Record<string, string>;
}

/** Okta login configured: switched on with an issuer and a client id (start-up checks the rest). */
interface ConfiguredOkta {
  okta: OktaSettings & { issuer: string };
  verifier: IdTokenVerifier;
}

/**
 * The mgmt face's Okta login: an ID token from the Okta Sign-In widget, verified, used once,
 * mapped to roles through its `groups` claim, and exchanged for a Gatehouse token carrying
 * exactly those roles.
 */
export class OktaLoginService {
  readonly #configured: ConfiguredOkta | undefined;

  constructor(
    private readonly kernel: Kernel,
    private readonly idTokenUses: IdTokenUseRepository,
    private readonly rateLimit: RateLimiter,
    settings: OktaSettings,
  ) {
    const { issuer } = settings;
    if (settings.enabled && issuer && settings.clientId) {
      this.#configured = { okta: { ...settings, issuer }, verifier: new IdTokenVerifier(kernel.clock, { issuer, audience: settings.audience || settings.clientId }) };
    }
  }

  signInConfig(): OktaSignInConfig {
    const { okta } = this.require();
    return { baseUrl: okta.baseUrl ?? new URL(okta.issuer).origin, clientId: okta.clientId, issuer: okta.issuer, audience: okta.audience || okta.clientId, mapRoles: { ...okta.mapRoles } };
  }

  async login(idToken: string, meta: RequestMeta): Promise<MgmtSignedIn> {
    const { okta, verifier } = this.require();
    // Not audited: a flood of refused requests must not become a flood of audit rows.
    await this.rateLimit.check(`mgmt-okta:${meta.ip ?? 'unknown'}`);
    let accountId: number | null = null;
    try {
      const verified = await verifier.verify(idToken);
      await this.claimOnce(verified);
      const roles = rolesForGroups(okta.mapRoles, verified.claims.groups);
      if (!roles.length) throw new GatehouseError('forbidden', { message: 'no role is mapped to this user', logDetail: `no group of ${verified.claims.sub} maps to a role` });
      const account = await this.kernel.upstream.accountFor(identityOf(verified), meta, MGMT_MODULE);
      accountId = account?.id ?? null;
      if (!account?.active) throw invalidIdToken('account inactive');
      const signedIn = await signIn(this.kernel, account, roles, meta);
      await this.kernel.audit.record(meta, { accountId, level: 'info', module: MGMT_MODULE, message: `AUTH_OKTA_LOGIN roles=${roles.join(',')}` });
      return signedIn;
    } catch (error) {
      const reason = isGatehouseError(error) ? (error.logDetail ?? error.code) : 'unexpected';
      await this.kernel.audit.record(meta, { accountId, level: 'warn', module: MGMT_MODULE, message: `AUTH_OKTA_LOGIN failed: ${reason}`.slice(0, 1000) });
      throw error;
    }
  }

  /** Single use (replay of an intercepted ID token), on every instance: the insert decides. */
  private async claimOnce(verified: VerifiedIdToken): Promise<void> {
    const now = this.kernel.clock.now();
    await this.idTokenUses.prune(now);
    if (!(await this.idTokenUses.claim(verified.useKey, verified.usableUntil, now))) throw invalidIdToken('ID token replayed');
  }

  private require(): ConfiguredOkta {
    if (!this.#configured) throw new GatehouseError('not_found', { message: 'okta login is not configured' });
    return this.#configured;
  }
}

function identityOf({ claims }: VerifiedIdToken) {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    issuer: claims.iss,
    subject: claims.sub,
    email: text(claims.email),
    emailVerified: claims.email_verified === true,
    preferredUsername: text(claims.preferred_username),
    name: text(claims.name),
  };
}
