import type { RequestMeta } from '../../kernel/audit.js';
import { GatehouseError } from '../../errors.js';
import { sha256Hex } from '../../crypto.js';
import type { Kernel } from '../../kernel/index.js';
import type { TxHandle } from '../../kernel/ports.js';
import { newTokenSecret, sha1Hex } from '../../kernel/api-keys.js';
import type { CertificateAuthority } from './ca.js';
import { credentialErrors } from './errors.js';
import type { CredentialRecord, CredentialRepository, NewCredential } from './ports.js';

export const DAY_SECONDS = 86_400;
export const DEFAULT_EXPIRATION_DAYS = 10;

/** What a create needs to mint the secret: its kind and the kind's parameters. */
export type SecretKind =
  | { kind: 'token' }
  | { kind: 'certificate'; password: string; passwordField: string }
  | { kind: 'kubeconfig'; cluster: string | undefined; namespace: string | undefined; site?: string };

/** The secret, shown once, and the columns that describe it (never the secret itself). */
export interface MintedSecret {
  data: string;
  columns: Pick<NewCredential, 'tokenHash' | 'digest' | 'certificateSerial' | 'virtualK8sName' | 'virtualK8sNamespace' | 'siteName'>;
}

/** What the credentials face's settings slice holds. */
export interface CredentialsSettings {
  tenant: string;
  publicUrl: string;
  /** written into issued kubeconfigs; undefined: the public URL */
  kubeServerUrl: string | undefined;
  defaultClusterName: string;
  defaultKubeNamespace: string;
  /** per client address per minute; 0: no limit */
  requestsPerMinute: number;
}

export interface CredentialDeps {
  kernel: Kernel;
  credentials: CredentialRepository;
  /** the face's store inside a unit of work the kernel started */
  within(tx: TxHandle): CredentialRepository;
  settings: CredentialsSettings;
  ca: CertificateAuthority;
}

/** Shared steps of every credentials operation: namespace checks, minting, expiry, audit. */
export class CredentialIssuer {
  constructor(readonly deps: CredentialDeps) {}

  /** `{namespace}` names an existing namespace (404), and a body's `namespace` repeats it (400). */
  async checkNamespace(pathNamespace: string, bodyNamespace: string | undefined, field = 'namespace'): Promise<void> {
    if (!(await this.deps.kernel.directory.namespaceExists(pathNamespace))) throw credentialErrors.namespaceNotFound(pathNamespace);
    if (bodyNamespace !== undefined && bodyNamespace !== pathNamespace) throw credentialErrors.namespaceMismatch(field, pathNamespace);
  }

  expiry(days: number | undefined, fallback = DEFAULT_EXPIRATION_DAYS): Date {
    return new Date(this.deps.kernel.clock.now().getTime() + (days ?? fallback) * DAY_SECONDS * 1000);
  }

  /** Certificate passwords are 6 to 50 bytes of UTF-8 (F5's rule); the contract counts characters. */
  checkPassword(password: string | undefined, field: string, type: string): string {
    if (password === undefined || password === '') throw credentialErrors.invalid('PASSWORD_REQUIRED', field, `${field} is required for ${type}`);
    const bytes = Buffer.byteLength(password, 'utf8');
    if (bytes < 6 || bytes > 50) throw credentialErrors.invalid('VALIDATION_FAILED', field, `${field} must be 6 to 50 bytes`);
    return password;
  }

  async mint(kind: SecretKind, name: string, namespace: string, commonName: string, expiresAt: Date): Promise<MintedSecret> {
    if (kind.kind === 'token') {
      const secret = newTokenSecret();
      return { data: secret, columns: { tokenHash: sha256Hex(secret), digest: sha1Hex(secret) } };
    }
    const issued = await this.deps.ca.issue({ commonName, namespace, notAfter: expiresAt });
    const columns = { tokenHash: issued.sha256, digest: issued.sha1, certificateSerial: issued.serial };
    if (kind.kind === 'certificate') return { data: this.deps.ca.pkcs12(issued, kind.password, name), columns };
    const credentials = this.deps.settings;
    const cluster = kind.site ?? kind.cluster ?? credentials.defaultClusterName;
    const contextNamespace = kind.namespace ?? credentials.defaultKubeNamespace;
    const data = this.deps.ca.kubeconfig(issued, { server: credentials.kubeServerUrl ?? credentials.publicUrl, cluster, namespace: contextNamespace, user: name });
    return {
      data,
      columns: { ...columns, virtualK8sName: kind.site ? null : cluster, virtualK8sNamespace: kind.site ? null : contextNamespace, siteName: kind.site ?? null },
    };
  }

  /** Inserts through `credentials` (a transaction's, when given); a taken name is a 409 in the face's words. */
  async insert(credentials: CredentialRepository, credential: NewCredential): Promise<void> {
    try {
      await credentials.insert(credential);
    } catch (error) {
      if (error instanceof GatehouseError && error.code === 'conflict') throw credentialErrors.exists(credential.namespace ?? 'system', credential.name);
      throw error;
    }
  }

  audit(meta: RequestMeta, accountId: number | null, message: string, level: 'info' | 'warn' = 'info'): Promise<void> {
    return this.deps.kernel.audit.record(meta, { accountId, level, module: 'credentials', message });
  }

  describe(record: CredentialRecord): string {
    return `${record.type} ${record.namespace}/${record.name}`;
  }
}
