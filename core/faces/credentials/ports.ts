/** The storage interface db/ implements for the credentials face. */

import type { CredentialFamily, CredentialRecord, NamespaceRole } from './model.js';

export type { CredentialFamily, CredentialRecord, NamespaceRole };

export interface NewCredential {
  uuid: string;
  name: string;
  type: string;
  accountId: number;
  /** SHA-256 (hex) of the token, or of the certificate DER */
  tokenHash: string;
  at: Date;
  expiresAt: Date;
  family?: CredentialFamily;
  namespace?: string;
  createdBy?: string | null;
  digest?: string | null;
  certificateSerial?: string | null;
  virtualK8sName?: string | null;
  virtualK8sNamespace?: string | null;
  siteName?: string | null;
  namespaceRoles?: NamespaceRole[];
  userGroupNames?: string[];
}

export interface CertificateAuthorityRecord {
  certificatePem: string;
  privateKeySealed: string;
}

export interface CredentialRepository {
  /** throws GatehouseError('conflict') when the name is taken in the namespace and family */
  insert(credential: NewCredential): Promise<void>;
  findByName(namespace: string, family: CredentialFamily, name: string): Promise<CredentialRecord | undefined>;
  /** the service credential whose service account this is, if any */
  findServiceCredentialOf(accountId: number): Promise<CredentialRecord | undefined>;
  /** newest first; only the account's own when `accountId` is given; undefined when there is no such namespace */
  list(namespace: string, family: CredentialFamily, accountId?: number): Promise<CredentialRecord[] | undefined>;
  /** credentials whose expiry is at or before `now` */
  listExpired(namespace: string, family: CredentialFamily, now: Date, filter: { type?: string; accountId?: number }): Promise<CredentialRecord[]>;
  /** `UPDATE … SET enabled = true WHERE id = ?`; false when the row is gone */
  activate(id: number, at: Date): Promise<boolean>;
  /** `UPDATE … SET expires_at = ? WHERE id = ? AND type = ?`; false when the row is gone or of another type */
  renew(id: number, type: string, expiresAt: Date, at: Date): Promise<boolean>;
  setAccess(id: number, roles: NamespaceRole[], groups: string[], at: Date): Promise<boolean>;
  /** deletes the row; false when it was already gone (someone else revoked it first) */
  delete(id: number): Promise<boolean>;
  /** deletes every credential the account owns (before its service account goes) */
  deleteOwnedBy(accountId: number): Promise<void>;
  /** deletes the family's credentials in the namespace; returns how many */
  deleteFamily(namespace: string, family: CredentialFamily): Promise<number>;
  getCa(): Promise<CertificateAuthorityRecord | undefined>;
  /** inserts the CA unless one exists (another instance may have been first) */
  insertCaIfAbsent(ca: CertificateAuthorityRecord, at: Date): Promise<void>;
}
