import { randomUUID } from 'node:crypto';
import type { RequestMeta } from '../../kernel/audit.js';
import type { Account } from '../../kernel/model.js';
import { isActive } from '../../kernel/api-keys.js';
import { accountLabel, requireHuman, type Caller } from './caller.js';
import { credentialErrors } from './errors.js';
import type { CredentialIssuer, SecretKind } from './issuer.js';
import type { CredentialRecord } from './ports.js';
import { bulkRevoke, type BulkRevokeResult, type BulkSelector } from './bulk.js';

export type MyCredentialType = 'API_TOKEN' | 'API_CERTIFICATE' | 'KUBE_CONFIG';

export interface CreateMyCredential {
  name: string;
  namespace?: string | undefined;
  expirationDays?: number | undefined;
  type: MyCredentialType;
  password?: string | undefined;
  virtualK8sName?: string | undefined;
  virtualK8sNamespace?: string | undefined;
}

/** A credential and the account it belongs to, for the views. */
export interface OwnedCredential {
  credential: CredentialRecord;
  owner: Account | undefined;
  active: boolean;
}

export interface Created {
  name: string;
  data: string;
  expiresAt: Date;
}

const KIND = 'api credential';

/**
 * "My credentials": API tokens, API certificates and kubeconfigs that act as the calling account.
 * A non-administrator sees and changes only its own; an administrator may name any account's.
 */
export class MyCredentialService {
  constructor(private readonly issuer: CredentialIssuer) {}

  private get credentials() {
    return this.issuer.deps.credentials;
  }

  async create(caller: Caller, namespace: string, input: CreateMyCredential, meta: RequestMeta): Promise<Created> {
    requireHuman(caller);
    await this.issuer.checkNamespace(namespace, input.namespace);
    if (await this.credentials.findByName(namespace, 'user', input.name)) throw credentialErrors.exists(namespace, input.name);
    const kind: SecretKind =
      input.type === 'API_TOKEN'
        ? { kind: 'token' }
        : input.type === 'API_CERTIFICATE'
          ? { kind: 'certificate', password: this.issuer.checkPassword(input.password, 'spec.password', input.type), passwordField: 'spec.password' }
          : { kind: 'kubeconfig', cluster: input.virtualK8sName, namespace: input.virtualK8sNamespace };
    const now = this.issuer.deps.kernel.clock.now();
    const expiresAt = this.issuer.expiry(input.expirationDays);
    const label = accountLabel(caller.account);
    const minted = await this.issuer.mint(kind, input.name, namespace, label, expiresAt);
    await this.issuer.insert(this.credentials, {
      uuid: randomUUID(),
      name: input.name,
      namespace,
      family: 'user',
      type: input.type,
      accountId: caller.account.id,
      createdBy: label,
      at: now,
      expiresAt,
      ...minted.columns,
    });
    await this.issuer.audit(meta, caller.account.id, `CREDENTIAL_CREATED ${input.type} ${namespace}/${input.name}`);
    return { name: input.name, data: minted.data, expiresAt };
  }

  /** The owner's own API tokens and certificates: any caller may list theirs, so no roles are read. */
  async list(owner: Account, namespace: string): Promise<OwnedCredential[]> {
    // The namespace check and the list in one read (the list is a hot path).
    const records = await this.credentials.list(namespace, 'user', owner.id);
    if (!records) throw credentialErrors.namespaceNotFound(namespace);
    const now = this.issuer.deps.kernel.clock.now();
    return records.map((credential) => ({ credential, owner, active: isActive(credential, now) }));
  }

  async get(caller: Caller, namespace: string, name: string): Promise<OwnedCredential> {
    await this.issuer.checkNamespace(namespace, undefined);
    const credential = await this.visible(caller, namespace, name);
    const owner = credential.accountId === caller.account.id ? caller.account : await this.issuer.deps.kernel.accounts.byId(credential.accountId);
    return { credential, owner, active: isActive(credential, this.issuer.deps.kernel.clock.now()) };
  }

  async activate(caller: Caller, namespace: string, body: { name: string; namespace: string }, meta: RequestMeta): Promise<void> {
    requireHuman(caller);
    await this.issuer.checkNamespace(namespace, body.namespace);
    const credential = await this.visible(caller, namespace, body.name);
    if (!(await this.credentials.activate(credential.id, this.issuer.deps.kernel.clock.now()))) throw credentialErrors.credentialNotFound(KIND, namespace, body.name);
    await this.issuer.audit(meta, credential.accountId, `CREDENTIAL_ACTIVATED ${this.issuer.describe(credential)}`);
  }

  async renew(caller: Caller, namespace: string, body: { name: string; namespace: string; expiration_days?: number | undefined }, meta: RequestMeta): Promise<void> {
    requireHuman(caller);
    await this.issuer.checkNamespace(namespace, body.namespace);
    const credential = await this.visible(caller, namespace, body.name);
    if (credential.type !== 'API_TOKEN') throw credentialErrors.invalid('RENEW_NOT_SUPPORTED', 'name', `only API_TOKEN credentials can be renewed; ${credential.type} must be created anew`);
    const expiresAt = this.issuer.expiry(body.expiration_days);
    if (!(await this.credentials.renew(credential.id, 'API_TOKEN', expiresAt, this.issuer.deps.kernel.clock.now()))) throw credentialErrors.credentialNotFound(KIND, namespace, body.name);
    await this.issuer.audit(meta, credential.accountId, `CREDENTIAL_RENEWED ${this.issuer.describe(credential)} until ${expiresAt.toISOString()}`);
  }

  async revoke(caller: Caller, namespace: string, body: { name: string; namespace: string }, meta: RequestMeta): Promise<void> {
    await this.issuer.checkNamespace(namespace, body.namespace);
    const credential = await this.visible(caller, namespace, body.name);
    // The DELETE's row count decides: of two concurrent revokes, one succeeds and one is a 404.
    if (!(await this.credentials.delete(credential.id))) throw credentialErrors.credentialNotFound(KIND, namespace, body.name);
    await this.issuer.audit(meta, credential.accountId, `CREDENTIAL_REVOKED ${this.issuer.describe(credential)}`);
  }

  async bulkRevoke(caller: Caller, selector: BulkSelector, meta: RequestMeta): Promise<BulkRevokeResult> {
    const mine = (c: CredentialRecord) => caller.admin || c.accountId === caller.account.id;
    return bulkRevoke(this.issuer, {
      family: 'user',
      selector,
      ownerFilter: caller.admin ? undefined : caller.account.id,
      mayRevoke: mine,
      revoke: async (c) => {
        const gone = await this.credentials.delete(c.id);
        if (gone) await this.issuer.audit(meta, c.accountId, `CREDENTIAL_REVOKED ${this.issuer.describe(c)} (bulk, by ${accountLabel(caller.account)})`);
        return gone;
      },
    });
  }

  /** The credential, when it exists and the caller may see it; otherwise the same 404 either way. */
  private async visible(caller: Caller, namespace: string, name: string): Promise<CredentialRecord> {
    const credential = await this.credentials.findByName(namespace, 'user', name);
    if (!credential || (!caller.admin && credential.accountId !== caller.account.id)) throw credentialErrors.credentialNotFound(KIND, namespace, name);
    return credential;
  }
}
