import { randomUUID } from 'node:crypto';
import type { RequestMeta } from '../../kernel/audit.js';
import { isActive } from '../../kernel/api-keys.js';
import { accountLabel, requireAdmin, requireHuman, type Caller } from './caller.js';
import { credentialErrors } from './errors.js';
import type { CredentialIssuer } from './issuer.js';
import type { Created } from './my-credentials.js';
import type { CredentialRecord } from './ports.js';

export const SCIM_TOKEN_NAME = 'scim-token';
const SCIM_NAMESPACE = 'system';
const DEFAULT_SCIM_DAYS = 180;
const MANAGE = 'manage the SCIM token';

/**
 * The tenant's one SCIM token. Recreating it deletes the current one in the same transaction, so
 * at most one exists at any time, on every instance.
 */
export class ScimTokenService {
  constructor(private readonly issuer: CredentialIssuer) {}

  async recreate(caller: Caller, body: { namespace?: string | undefined; expiration_days?: number | undefined }, meta: RequestMeta): Promise<Created> {
    requireHuman(caller);
    requireAdmin(caller, MANAGE);
    await this.issuer.checkNamespace(SCIM_NAMESPACE, body.namespace);
    const now = this.issuer.deps.kernel.clock.now();
    const expiresAt = this.issuer.expiry(body.expiration_days, DEFAULT_SCIM_DAYS);
    const minted = await this.issuer.mint({ kind: 'token' }, SCIM_TOKEN_NAME, SCIM_NAMESPACE, SCIM_TOKEN_NAME, expiresAt);
    const replaced = await this.issuer.deps.kernel.transaction(async (_unit, tx) => {
      const credentials = this.issuer.deps.within(tx);
      const removed = await credentials.deleteFamily(SCIM_NAMESPACE, 'scim');
      await this.issuer.insert(credentials, {
        uuid: randomUUID(),
        name: SCIM_TOKEN_NAME,
        namespace: SCIM_NAMESPACE,
        family: 'scim',
        type: 'SCIM_API_TOKEN',
        accountId: caller.account.id,
        createdBy: accountLabel(caller.account),
        at: now,
        expiresAt,
        ...minted.columns,
      });
      return removed;
    });
    await this.issuer.audit(meta, caller.account.id, `SCIM_TOKEN_CREATED until ${expiresAt.toISOString()}${replaced ? ' (previous token revoked)' : ''}`);
    return { name: SCIM_TOKEN_NAME, data: minted.data, expiresAt };
  }

  async get(caller: Caller): Promise<{ credential: CredentialRecord; active: boolean }> {
    requireAdmin(caller, MANAGE);
    const credential = await this.issuer.deps.credentials.findByName(SCIM_NAMESPACE, 'scim', SCIM_TOKEN_NAME);
    if (!credential) throw credentialErrors.scimTokenNotFound();
    return { credential, active: isActive(credential, this.issuer.deps.kernel.clock.now()) };
  }

  async revoke(caller: Caller, body: { namespace: string }, meta: RequestMeta): Promise<void> {
    requireAdmin(caller, MANAGE);
    await this.issuer.checkNamespace(SCIM_NAMESPACE, body.namespace);
    if ((await this.issuer.deps.credentials.deleteFamily(SCIM_NAMESPACE, 'scim')) === 0) throw credentialErrors.scimTokenNotFound();
    await this.issuer.audit(meta, caller.account.id, 'SCIM_TOKEN_REVOKED');
  }
}
