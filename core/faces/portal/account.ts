import type { RequestMeta } from '../../kernel/audit.js';
import type { Kernel } from '../../kernel/index.js';
import type { Account, Membership } from '../../kernel/model.js';
import { portalErrors } from './errors.js';
import { organizationContext, type PortalCaller } from './organizations.js';
import type { PortalToken, PortalTokens } from './tokens.js';

/** What the portal's initial load tells a signed-in caller about itself. */
export interface PortalSelf {
  account: Account;
  memberships: Membership[];
  /** the organization the call acts in, if any */
  current: Membership | undefined;
  impersonating: boolean;
  /** TOTP enrolled, or the account's `mfa_required` setting */
  mfaRequired: boolean;
}

const MODULE = 'auth:portal';

/** The signed-in side of the portal: initial load, logout and organization switch. */
export class PortalAccountService {
  constructor(
    private readonly kernel: Kernel,
    private readonly tokens: PortalTokens,
  ) {}

  async load(caller: PortalCaller): Promise<PortalSelf> {
    const { account } = caller;
    const { memberships, current } = await organizationContext(this.kernel.directory, account, caller.org);
    return { account, memberships, current, impersonating: caller.actor !== undefined, mfaRequired: account.totpSecretSealed !== null || account.mfaRequired };
  }

  /** Revokes the token's grant: the access token and its refresh tokens die together, everywhere. */
  async logout(caller: PortalCaller, meta: RequestMeta): Promise<void> {
    await this.kernel.tokens.revokeGrant(caller.grantId);
    const actor = await this.actorOf(caller);
    await this.audit(caller.account, meta, actor ? `Impersonation ended by ${actor.username}` : 'Logout');
    if (actor) await this.audit(actor, meta, `Impersonation of ${caller.account.username} ended`);
  }

  async switchOrg(caller: PortalCaller, organizationUuid: string, meta: RequestMeta): Promise<PortalToken> {
    const { directory } = this.kernel;
    const organization = await directory.organizationByUuid(organizationUuid);
    if (!organization) throw portalErrors.organizationNotFound();
    const memberships = await directory.memberships(caller.account.id);
    if (!memberships.some((m) => m.organization.id === organization.id)) {
      await this.audit(caller.account, meta, 'Organization switch refused: not a member', 'warn');
      throw portalErrors.notMember();
    }
    const token = await this.tokens.issue(caller.account, { organization, actor: await this.actorOf(caller) }, meta);
    await this.audit(caller.account, meta, `Switched organization to ${organization.uuid}`);
    return token;
  }

  /** The impersonator named by the token's `act` claim (RFC 8693 §4.1), kept across switches. */
  async actorOf(caller: PortalCaller): Promise<Account | undefined> {
    return caller.actor ? this.kernel.accounts.byUuid(caller.actor) : undefined;
  }

  private audit(account: Account, meta: RequestMeta, message: string, level: 'info' | 'warn' = 'info'): Promise<void> {
    return this.kernel.audit.record(meta, { accountId: account.id, level, module: MODULE, message });
  }
}
