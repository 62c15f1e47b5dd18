/** Domain objects shared by every face. Repositories map rows to these in one place each. */

export interface Account {
  /** integer surrogate key; the mgmt face's `userId` */
  id: number;
  /** public id on every face */
  uuid: string;
  username: string;
  email: string | null;
  displayName: string;
  active: boolean;
  isAdmin: boolean;
  roles: string[];
  passwordHash: string | null;
  passwordChangedAt: Date | null;
  totpSecretSealed: string | null;
  totpLastStep: number | null;
  /** a portal password sign-in needs a second factor even without TOTP (emailed code or approval) */
  mfaRequired: boolean;
  /** the provisioning identity provider's id for the account (SCIM externalId) */
  externalId: string | null;
  givenName: string | null;
  familyName: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type SessionSource = 'login' | 'onetime' | 'oidc' | 'account-create';

/**
 * Which face's cookie a browser session belongs to (one table serves all): each face names its
 * own kind (`simple-auth`, `platform-ui`, …), and a session of one kind is unknown to another.
 */
export type SessionKind = string;

export interface Session {
  id: number;
  accountId: number;
  kind: SessionKind;
  source: SessionSource;
  createdAt: Date;
  lastSeenAt: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
  revokedAt: Date | null;
}

export type AuditLevel = 'debug' | 'info' | 'warn' | 'alert';

export interface AuditRecord {
  accountId: number | null;
  level: AuditLevel;
  module: string;
  message: string;
  at: Date;
  requestId: string | null;
  ip: string | null;
}

/** Purposes of single-use tokens; one table serves them all. */
export type OneTimePurpose = 'onetime-login' | 'stipulation';

export interface OneTimeToken {
  id: number;
  purpose: OneTimePurpose;
  accountId: number;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface Stipulation {
  id: number;
  accountId: number;
  kind: 'email-verification';
  createdAt: Date;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** when the secret the message carries (a link, a code) stops working; kept no longer than that */
  expiresAt?: Date;
}

export interface Organization {
  id: number;
  uuid: string;
  name: string;
  /** the provisioning identity provider's id for it (SCIM Group externalId) */
  externalId: string | null;
}

export interface Membership {
  organization: Organization;
  role: string;
}

export interface NamespaceRole {
  namespace: string;
  role: string;
}

/** An API credential as the kernel sees it when a caller presents its secret. */
export interface ApiKeyRecord {
  id: number;
  uuid: string;
  name: string;
  namespace: string;
  /** user (an account's own), service (a service account's), scim (the tenant's SCIM token) */
  family: string;
  type: string;
  /** the account whose authority the credential carries */
  accountId: number;
  enabled: boolean;
  expiresAt: Date;
  revokedAt: Date | null;
  namespaceRoles: NamespaceRole[];
}
