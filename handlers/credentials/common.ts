import type { BulkRevokeResult } from '../../core/faces/credentials/bulk.js';
import type { Caller } from '../../core/faces/credentials/caller.js';
import type { OwnedCredential } from '../../core/faces/credentials/my-credentials.js';
import type { CredentialRecord } from '../../core/faces/credentials/model.js';
import type { ServiceCredentialView } from '../../core/faces/credentials/service-credentials.js';
import type { Account } from '../../core/kernel/model.js';
import type { ApiCredentialType, BulkRevokeResponse, GetResponse, GetServiceCredentialsResponse, ListResponseItem, NamespaceAccessType } from '../../generated/credentials/types.gen.js';
import type { CredentialsRules } from '../../core/faces/credentials/index.js';
import type { CredentialsHandlers } from '../../generated/credentials/handlers.gen.js';
import { requirePrincipal, type HandlerContext } from '../context.js';

export type Ctx = HandlerContext<CredentialsRules>;
export type H = CredentialsHandlers<Ctx>;

/** A created secret must not be cached anywhere on the way (RFC 9111 §5.2.2.5). */
export const NO_STORE = { 'Cache-Control': 'no-store' } as const;

/** Timestamps without milliseconds, as F5 writes them (RFC 3339). */
export function timestamp(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}

export async function caller(ctx: Ctx): Promise<Caller> {
  return ctx.rules.caller(requirePrincipal(ctx).account);
}

/** The fields a list entry and a service-credential entry share. */
function summary<E extends string | null>(credential: CredentialRecord, active: boolean, userEmail: E) {
  return {
    name: credential.name,
    namespace: credential.namespace,
    uid: credential.uuid,
    type: credential.type as ApiCredentialType,
    active,
    create_timestamp: timestamp(credential.createdAt),
    expiry_timestamp: timestamp(credential.expiresAt),
    user_email: userEmail,
  };
}

export function listItem({ credential, owner, active }: OwnedCredential): ListResponseItem {
  return summary(credential, active, owner?.email ?? null);
}

/** F5's `GetResponse` object; `users` names the owning account (none for the SCIM token). */
export function credentialObject(credential: CredentialRecord, active: boolean, owner: Account | undefined, tenant: string): GetResponse {
  const gc: GetResponse['object']['spec']['gc_spec'] = {
    type: credential.type as ApiCredentialType,
    active,
    created_timestamp: timestamp(credential.createdAt),
    expiration_timestamp: timestamp(credential.expiresAt),
    digest: credential.digest ?? '',
    users: owner ? [{ kind: 'user', name: owner.email ?? owner.username, namespace: credential.namespace, tenant, uid: owner.uuid }] : [],
  };
  if (credential.certificateSerial) gc.certificate_serial_num = credential.certificateSerial;
  if (credential.virtualK8sName) gc.virtual_k8s_name = credential.virtualK8sName;
  if (credential.virtualK8sNamespace) gc.virtual_k8s_namespace = credential.virtualK8sNamespace;
  if (credential.siteName) gc.site_name = credential.siteName;
  return {
    object: {
      metadata: { name: credential.name, namespace: credential.namespace, uid: credential.uuid, labels: {}, annotations: {}, description: '', disable: !credential.enabled },
      system_metadata: {
        uid: credential.uuid,
        creation_timestamp: timestamp(credential.createdAt),
        modification_timestamp: timestamp(credential.updatedAt),
        deletion_timestamp: null,
        creator_id: credential.createdBy ?? '',
        creator_class: 'gatehouse',
        tenant,
        labels: {},
        finalizers: [],
      },
      spec: { gc_spec: gc },
    },
  };
}

export function namespaceAccess(credential: CredentialRecord): NamespaceAccessType {
  const map: NamespaceAccessType['namespace_role_map'] = {};
  for (const { namespace, role } of credential.namespaceRoles) (map[namespace] ??= { names: [] }).names.push(role);
  return { namespace_role_map: map };
}

export function serviceItem({ credential, email, active }: ServiceCredentialView): GetServiceCredentialsResponse {
  return { ...summary(credential, active, email), user_group_names: credential.userGroupNames, namespace_access: namespaceAccess(credential) };
}

export function bulkBody(result: BulkRevokeResult): BulkRevokeResponse {
  return { credentials_marked_for_deletion: result.marked, credentials_failed: result.failed, error_message: result.errorMessage };
}
