import type { Auditor, RequestMeta } from '../../kernel/audit.js';
import type { Clock } from '../../clock.js';
import type { Account } from '../../kernel/model.js';
import type { Store } from '../../kernel/ports.js';
import { portalErrors } from './errors.js';
import { organizationContext, type PortalCaller } from './organizations.js';
import type { PortalToken, PortalTokens } from './tokens.js';

export interface LoadView {
  user: {
    id: string;
    name: string;
    email: string | null;
    organization_id: string | null;
    organization_name: string | null;
    role: { name: string | null };
    is_superuser: boolean;
    is_account_admin: boolean;
    is_impersonating: boolean;
    mfa_required: boolean;
    organizations: { id: string; name: string; role: string }[];
  };
}

const MODULE = 'auth:portal';

/** The signed-in side of the portal: initial load, logout and organization switch. */
export class PortalAccountService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
    private readonly tokens: PortalTokens,
  ) {}

  async load(caller: PortalCaller): Promise<LoadView> {
    const { account } = caller;
    const { memberships, current } = await organizationContext(this.store, account, caller.org);
    return {
      user: {
        id: account.uuid,
        name: account.displayName || account.username,
        email: account.email,
        organization_id: current?.organization.uuid ?? null,
        organization_name: current?.organization.name ?? null,
        role: { name: current?.role ?? null },
        is_superuser: account.isAdmin,
        is_account_admin: current?.role === 'admin',
        is_impersonating: caller.actor !== undefined,
        mfa_required: account.totpSecretSealed !== null || (await this.store.portal.mfaRequired(account.id)),
        organizations: memberships.map((m) => ({ id: m.organization.uuid, name: m.organization.name, role: m.role })),
      },
    };
  }

  /** Revokes the token's grant: the access token and its refresh tokens die together, everywhere. */
  async logout(caller: PortalCaller, meta: RequestMeta): Promise<void> {
    await this.store.oauth2.revokeGrant(caller.grantId, this.clock.now());
    const actor = await this.actorOf(caller);
    await this.audit(caller.account, meta, actor ? `Impersonation ended by ${actor.username}` : 'Logout');
    if (actor) await this.audit(actor, meta, `Impersonation of ${caller.account.username} ended`);
  }

  async switchOrg(caller: PortalCaller, organizationUuid: string, meta: RequestMeta): Promise<PortalToken> {
    const organization = await this.store.portal.organizationByUuid(organizationUuid);
    if (!organization) throw portalErrors.organizationNotFound();
    const memberships = await this.store.portal.memberships(caller.account.id);
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
    return caller.actor ? this.store.accounts.findByUuid(caller.actor) : undefined;
  }

  private audit(account: Account, meta: RequestMeta, message: string, level: 'info' | 'warn' = 'info'): Promise<void> {
    return this.auditor.record(this.store.audit, meta, { accountId: account.id, level, module: MODULE, message });
  }
}
