import type { FaceDeps } from '../../kernel/face.js';
import type { Account } from '../../kernel/model.js';
import type { RateLimiter } from '../../kernel/rate-limit.js';
import { CertificateAuthority } from './ca.js';
import { resolveCaller, type Caller } from './caller.js';
import { CredentialIssuer, type CredentialsSettings } from './issuer.js';
import { MyCredentialService } from './my-credentials.js';
import type { CredentialRepository } from './ports.js';
import { ScimTokenService } from './scim.js';
import { ServiceCredentialService } from './service-credentials.js';

export type { CredentialsSettings };

/** The credentials face's own tables: API credentials of every kind, and the credential CA. */
export interface CredentialsStore {
  credentials: CredentialRepository;
}

export interface CredentialsRules {
  settings: CredentialsSettings;
  ca: CertificateAuthority;
  mine: MyCredentialService;
  service: ServiceCredentialService;
  scim: ScimTokenService;
  /** the caller as the credentials face sees it: admin or not, service account or not */
  caller(account: Account): Promise<Caller>;
  /** per client address, on every call (a leaked token must not be usable at line rate) */
  rateLimit: RateLimiter;
}

/** The credentials face's rules (F5's api_credential API) over the identity kernel. */
export function createCredentialsRules({ kernel, store, within, settings }: FaceDeps<CredentialsStore, CredentialsSettings>): CredentialsRules {
  const ca = new CertificateAuthority(store.credentials, kernel.clock, kernel.secrets, settings.tenant);
  const issuer = new CredentialIssuer({ kernel, credentials: store.credentials, within: (tx) => within(tx).credentials, settings, ca });
  return {
    settings,
    ca,
    mine: new MyCredentialService(issuer),
    service: new ServiceCredentialService(issuer),
    scim: new ScimTokenService(issuer),
    caller: (account) => resolveCaller(kernel, account),
    // Load rationing, not a guess budget (API tokens are 256-bit secrets): counted in memory, no write per request.
    rateLimit: kernel.rateLimiter({ limit: settings.requestsPerMinute, windowSeconds: 60 }, 'instance'),
  };
}
