/** The credentials face's domain objects (db/repositories/credentials.ts maps rows to these). */

import type { ApiKeyRecord, NamespaceRole } from '../../kernel/model.js';

export type { NamespaceRole };

export type CredentialFamily = 'user' | 'service' | 'scim';

export interface CredentialRecord extends ApiKeyRecord {
  id: number;
  uuid: string;
  name: string;
  namespace: string;
  family: CredentialFamily;
  type: string;
  /** the account whose authority the credential carries (the service account for service credentials) */
  accountId: number;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  createdBy: string | null;
  digest: string | null;
  certificateSerial: string | null;
  virtualK8sName: string | null;
  virtualK8sNamespace: string | null;
  siteName: string | null;
  namespaceRoles: NamespaceRole[];
  userGroupNames: string[];
}
