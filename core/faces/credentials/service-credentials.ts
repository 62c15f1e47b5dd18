import { randomUUID } from 'node:crypto';
import type { RequestMeta } from '../../kernel/audit.js';
import { isActive } from '../../kernel/api-keys.js';
import { accountLabel, requireAdmin, requireHuman, type Caller } from './caller.js';
import { bulkRevoke, type BulkRevokeResult, type BulkSelector } from './bulk.js';
import { credentialErrors } from './errors.js';
import type { CredentialIssuer, SecretKind } from './issuer.js';
import type { Created } from './my-credentials.js';
import type { CredentialRecord, NamespaceRole } from './ports.js';

export type ServiceCredentialType = 'SERVICE_API_TOKEN' | 'SERVICE_API_CERTIFICATE' | 'SERVICE_KUBE_CONFIG' | 'SERVICE_SITE_GLOBAL_KUBE_CONFIG';

export interface CreateServiceCredential {
  name: string;
  namespace?: string | undefined;
  expiration_days?: number | undefined;
  type: ServiceCredentialType;
  namespace_roles?: NamespaceRole[] | undefined;
  user_group_names?: string[] | undefined;
  api_token?: object | undefined;
  api_certificate?: { password: string } | undefined;
  vk8s_kubeconfig?: { vk8s_cluster_name?: string; vk8s_namespace?: string } | undefined;
  site_kubeconfig?: { site: string } | undefined;
  password?: string | undefined;
  virtual_k8s_name?: string | undefined;
  virtual_k8s_namespace?: string | undefined;
}

export interface ServiceCredentialView {
  credential: CredentialRecord;
  email: string;
  active: boolean;
}

/** Each choice field of F5's `service_credential_choice` and the type it belongs to. */
const CHOICES = {
  api_token: 'SERVICE_API_TOKEN',
  api_certificate: 'SERVICE_API_CERTIFICATE',
  vk8s_kubeconfig: 'SERVICE_KUBE_CONFIG',
  site_kubeconfig: 'SERVICE_SITE_GLOBAL_KUBE_CONFIG',
} as const;

const KIND = 'service credential';
const MANAGE = 'manage service credentials';

/** `<name>@<namespace>.service.invalid`: RFC 2606 reserves `.invalid`, so no mail ever goes there. */
export function serviceAccountEmail(name: string, namespace: string): string {
  return `${name}@${namespace}.service.invalid`;
}

/**
 * Service credentials: each has its own service account (no password, so no interactive sign-in)
 * whose rights are the granted roles. Administrators only; a service account may not create,
 * activate or renew.
 */
export class ServiceCredentialService {
  constructor(private readonly issuer: CredentialIssuer) {}

  private get credentials() {
    return this.issuer.deps.credentials;
  }

  async create(caller: Caller, namespace: string, input: CreateServiceCredential, meta: RequestMeta): Promise<Created> {
    requireHuman(caller);
    requireAdmin(caller, MANAGE);
    await this.issuer.checkNamespace(namespace, input.namespace);
    const kind = this.secretKind(input);
    const roles = input.namespace_roles ?? [];
    const groups = input.user_group_names ?? [];
    await this.checkAccess(roles, groups, 'namespace_roles', 'user_group_names');
    if (await this.credentials.findByName(namespace, 'service', input.name)) throw credentialErrors.exists(namespace, input.name);
    const now = this.issuer.deps.kernel.clock.now();
    const expiresAt = this.issuer.expiry(input.expiration_days);
    const email = serviceAccountEmail(input.name, namespace);
    const minted = await this.issuer.mint(kind, input.name, namespace, email, expiresAt);
    await this.issuer.deps.kernel.transaction(async (unit, tx) => {
      if (await unit.accountByEmail(email)) throw credentialErrors.exists(namespace, input.name);
      const account = await unit.createServiceAccount(email, `service ${namespace}/${input.name}`);
      await this.issuer.insert(this.issuer.deps.within(tx), {
        uuid: randomUUID(),
        name: input.name,
        namespace,
        family: 'service',
        type: input.type,
        accountId: account.id,
        createdBy: accountLabel(caller.account),
        at: now,
        expiresAt,
        namespaceRoles: roles,
        userGroupNames: groups,
        ...minted.columns,
      });
    });
    await this.issuer.audit(meta, caller.account.id, `SERVICE_CREDENTIAL_CREATED ${input.type} ${namespace}/${input.name}`);
    return { name: input.name, data: minted.data, expiresAt };
  }

  async list(caller: Caller, namespace: string): Promise<ServiceCredentialView[]> {
    requireAdmin(caller, MANAGE);
    const records = await this.credentials.list(namespace, 'service');
    if (!records) throw credentialErrors.namespaceNotFound(namespace);
    const now = this.issuer.deps.kernel.clock.now();
    return records.map((c) => this.view(c, now));
  }

  async get(caller: Caller, namespace: string, name: string): Promise<ServiceCredentialView> {
    requireAdmin(caller, MANAGE);
    await this.issuer.checkNamespace(namespace, undefined);
    return this.view(await this.find(namespace, name), this.issuer.deps.kernel.clock.now());
  }

  async replace(
    caller: Caller,
    namespace: string,
    name: string,
    body: { name: string; namespace?: string | undefined; namespace_access?: { namespace_role_map: Record<string, { names: string[] }> } | undefined; user_group_names?: string[] | undefined },
    meta: RequestMeta,
  ): Promise<ServiceCredentialView> {
    requireAdmin(caller, MANAGE);
    await this.issuer.checkNamespace(namespace, body.namespace);
    if (body.name !== name) throw credentialErrors.invalid('VALIDATION_FAILED', 'name', `name must equal the path's name "${name}"`);
    const credential = await this.find(namespace, name);
    const roleMap = body.namespace_access?.namespace_role_map ?? {};
    const roles = Object.entries(roleMap).flatMap(([ns, { names }]) => [...new Set(names)].map((role) => ({ namespace: ns, role })));
    const groups = body.user_group_names ?? [];
    await this.checkAccess(roles, groups, 'namespace_access.namespace_role_map', 'user_group_names');
    const now = this.issuer.deps.kernel.clock.now();
    if (!(await this.credentials.setAccess(credential.id, roles, groups, now))) throw credentialErrors.credentialNotFound(KIND, namespace, name);
    await this.issuer.audit(meta, caller.account.id, `SERVICE_CREDENTIAL_REPLACED ${this.issuer.describe(credential)} roles=${roles.map((r) => `${r.namespace}:${r.role}`).join(',')} groups=${groups.join(',')}`);
    return this.view({ ...credential, namespaceRoles: roles, userGroupNames: groups, updatedAt: now }, now);
  }

  async activate(caller: Caller, namespace: string, body: { name: string; namespace: string }, meta: RequestMeta): Promise<void> {
    requireHuman(caller);
    requireAdmin(caller, MANAGE);
    await this.issuer.checkNamespace(namespace, body.namespace);
    const credential = await this.find(namespace, body.name);
    if (!(await this.credentials.activate(credential.id, this.issuer.deps.kernel.clock.now()))) throw credentialErrors.credentialNotFound(KIND, namespace, body.name);
    await this.issuer.audit(meta, caller.account.id, `SERVICE_CREDENTIAL_ACTIVATED ${this.issuer.describe(credential)}`);
  }

  async renew(caller: Caller, namespace: string, body: { name: string; namespace: string; expiration_days?: number | undefined }, meta: RequestMeta): Promise<void> {
    requireHuman(caller);
    requireAdmin(caller, MANAGE);
    await this.issuer.checkNamespace(namespace, body.namespace);
    const credential = await this.find(namespace, body.name);
    if (credential.type !== 'SERVICE_API_TOKEN') throw credentialErrors.invalid('RENEW_NOT_SUPPORTED', 'name', `only SERVICE_API_TOKEN credentials can be renewed; ${credential.type} must be created anew`);
    const expiresAt = this.issuer.expiry(body.expiration_days);
    if (!(await this.credentials.renew(credential.id, 'SERVICE_API_TOKEN', expiresAt, this.issuer.deps.kernel.clock.now()))) throw credentialErrors.credentialNotFound(KIND, namespace, body.name);
    await this.issuer.audit(meta, caller.account.id, `SERVICE_CREDENTIAL_RENEWED ${this.issuer.describe(credential)} until ${expiresAt.toISOString()}`);
  }

  async revoke(caller: Caller, namespace: string, body: { name: string; namespace: string }, meta: RequestMeta): Promise<void> {
    requireAdmin(caller, MANAGE);
    await this.issuer.checkNamespace(namespace, body.namespace);
    const credential = await this.find(namespace, body.name);
    if (!(await this.remove(credential))) throw credentialErrors.credentialNotFound(KIND, namespace, body.name);
    await this.issuer.audit(meta, caller.account.id, `SERVICE_CREDENTIAL_REVOKED ${this.issuer.describe(credential)}`);
  }

  async bulkRevoke(caller: Caller, selector: BulkSelector, meta: RequestMeta): Promise<BulkRevokeResult> {
    requireAdmin(caller, MANAGE);
    return bulkRevoke(this.issuer, {
      family: 'service',
      selector,
      ownerFilter: undefined,
      mayRevoke: () => true,
      revoke: async (c) => {
        const gone = await this.remove(c);
        if (gone) await this.issuer.audit(meta, caller.account.id, `SERVICE_CREDENTIAL_REVOKED ${this.issuer.describe(c)} (bulk)`);
        return gone;
      },
    });
  }

  /** The credential row's DELETE decides who revoked it; the service account goes with it. */
  private async remove(credential: CredentialRecord): Promise<boolean> {
    return this.issuer.deps.kernel.transaction(async (unit, tx) => {
      const credentials = this.issuer.deps.within(tx);
      if (!(await credentials.delete(credential.id))) return false;
      await credentials.deleteOwnedBy(credential.accountId);
      await unit.deleteAccount({ id: credential.accountId });
      return true;
    });
  }

  private async find(namespace: string, name: string): Promise<CredentialRecord> {
    const credential = await this.credentials.findByName(namespace, 'service', name);
    if (!credential) throw credentialErrors.credentialNotFound(KIND, namespace, name);
    return credential;
  }

  private view(credential: CredentialRecord, now: Date): ServiceCredentialView {
    return { credential, email: serviceAccountEmail(credential.name, credential.namespace), active: isActive(credential, now) };
  }

  /** At most one choice field, matching `type`; the legacy flat fields only without one. */
  private secretKind(input: CreateServiceCredential): SecretKind {
    const set = (Object.keys(CHOICES) as (keyof typeof CHOICES)[]).filter((key) => input[key] !== undefined);
    if (set.length > 1) throw credentialErrors.invalid('VALIDATION_FAILED', set[1]!, `only one of ${set.join(', ')} may be set`);
    if (set.length === 1 && CHOICES[set[0]!] !== input.type) throw credentialErrors.invalid('VALIDATION_FAILED', set[0]!, `${set[0]} does not match type ${input.type}`);
    switch (input.type) {
      case 'SERVICE_API_TOKEN':
        return { kind: 'token' };
      case 'SERVICE_API_CERTIFICATE': {
        const field = input.api_certificate ? 'api_certificate.password' : 'password';
        return { kind: 'certificate', password: this.issuer.checkPassword(input.api_certificate?.password ?? input.password, field, input.type), passwordField: field };
      }
      case 'SERVICE_KUBE_CONFIG':
        return input.vk8s_kubeconfig
          ? { kind: 'kubeconfig', cluster: input.vk8s_kubeconfig.vk8s_cluster_name, namespace: input.vk8s_kubeconfig.vk8s_namespace }
          : { kind: 'kubeconfig', cluster: input.virtual_k8s_name, namespace: input.virtual_k8s_namespace };
      case 'SERVICE_SITE_GLOBAL_KUBE_CONFIG':
        if (!input.site_kubeconfig) throw credentialErrors.invalid('VALIDATION_FAILED', 'site_kubeconfig.site', `site_kubeconfig.site is required for ${input.type}`);
        return { kind: 'kubeconfig', cluster: undefined, namespace: undefined, site: input.site_kubeconfig.site };
    }
  }

  /** Every grant names an existing namespace (or `*`) and a known role; every group an organization. */
  private async checkAccess(roles: readonly NamespaceRole[], groups: readonly string[], rolesField: string, groupsField: string): Promise<void> {
    const { directory, roles: known } = this.issuer.deps.kernel;
    for (const grant of roles) {
      if (grant.namespace !== '*' && !(await directory.namespaceExists(grant.namespace))) {
        throw credentialErrors.invalid('UNKNOWN_NAMESPACE', rolesField, `namespace "${grant.namespace}" does not exist`);
      }
      if (!known.has(grant.role)) throw credentialErrors.invalid('UNKNOWN_ROLE', rolesField, `role "${grant.role}" is not a known role`);
    }
    const missing = await directory.missingOrganizations(groups);
    if (missing.length) throw credentialErrors.invalid('UNKNOWN_GROUP', groupsField, `no organization named ${missing.map((m) => `"${m}"`).join(', ')}`);
  }
}
