import type { RequestMeta } from '../../kernel/audit.js';
import type { Kernel } from '../../kernel/index.js';
import type { Account } from '../../kernel/model.js';
import { portalErrors } from './errors.js';
import { defaultOrganization, type PortalCaller } from './organizations.js';
import type { Membership, Organization } from './ports.js';
import type { PortalToken, PortalTokens } from './tokens.js';

/**
 * loginAsUser: a superuser may act as any active user; an organization admin only as fellow
 * members of an organization they administer. Targets outside every shared organization are
 * "not found", so an admin cannot confirm that another organization's user exists.
 */
export class ImpersonationService {
  constructor(
    private readonly kernel: Kernel,
    private readonly tokens: PortalTokens,
  ) {}

  async loginAs(caller: PortalCaller, targetUuid: string, meta: RequestMeta): Promise<PortalToken> {
    const admin = caller.account;
    // No chains: an impersonation token cannot start another (the `act` claim would lie).
    if (caller.actor) throw portalErrors.impersonationForbidden('caller is already impersonating');
    const { accounts, directory } = this.kernel;
    const target = await accounts.byUuid(targetUuid);
    if (!target?.active) throw portalErrors.userNotFound(target ? 'target inactive' : 'unknown target');
    const mine = await directory.memberships(admin.id);
    const theirs = await directory.memberships(target.id);
    const shared = mine.filter((m) => theirs.some((t) => t.organization.id === m.organization.id));
    if (!admin.isAdmin && shared.length === 0) throw portalErrors.userNotFound('no shared organization');
    if (target.id === admin.id) throw portalErrors.impersonationForbidden('target is the caller');
    if (target.isAdmin && !admin.isAdmin) throw portalErrors.impersonationForbidden('target is a superuser');
    const administered = shared.filter((m) => m.role === 'admin');
    if (!admin.isAdmin && administered.length === 0) {
      await this.audit(admin, meta, `Impersonation of ${target.username} refused: not an admin of a shared organization`, 'warn');
      throw portalErrors.impersonationForbidden('caller is no admin of a shared organization');
    }
    const organization = await this.scope(admin, caller.org, theirs, administered, target);
    const token = await this.tokens.issue(target, { organization, actor: admin }, meta);
    await this.audit(admin, meta, `Impersonation of ${target.username} started`, 'alert');
    await this.audit(target, meta, `Impersonated by ${admin.username}`, 'alert');
    return token;
  }

  /** The caller's current organization when the target belongs to it, else the first administered shared one. */
  private async scope(admin: Account, org: string | undefined, theirs: Membership[], administered: Membership[], target: Account): Promise<Organization | null> {
    const currentUuid = org ?? (await defaultOrganization(this.kernel.directory, admin.id))?.uuid;
    const current = theirs.find((m) => m.organization.uuid === currentUuid);
    return current?.organization ?? administered[0]?.organization ?? (await defaultOrganization(this.kernel.directory, target.id));
  }

  private audit(account: Account, meta: RequestMeta, message: string, level: 'warn' | 'alert'): Promise<void> {
    return this.kernel.audit.record(meta, { accountId: account.id, level, module: 'auth:portal', message });
  }
}
