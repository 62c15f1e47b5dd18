import type { Auditor } from '../../kernel/audit.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { SecretBox } from '../../crypto.js';
import type { Account } from '../../kernel/model.js';
import type { Store } from '../../kernel/ports.js';
import { RateLimiter } from '../../kernel/rate-limit.js';
import { ApiKeyService } from './api-keys.js';
import { CertificateAuthority } from './ca.js';
import { resolveCaller, type Caller } from './caller.js';
import { CredentialIssuer } from './issuer.js';
import { MyCredentialService } from './my-credentials.js';
import { ScimTokenService } from './scim.js';
import { ServiceCredentialService } from './service-credentials.js';

export interface CredentialServices {
  apiKeys: ApiKeyService;
  ca: CertificateAuthority;
  mine: MyCredentialService;
  service: ServiceCredentialService;
  scim: ScimTokenService;
  /** the caller as the credentials face sees it: admin or not, service account or not */
  caller(account: Account): Promise<Caller>;
  /** per client address, on every call (a leaked token must not be usable at line rate) */
  rateLimit: RateLimiter;
}

export interface CredentialServiceDeps {
  store: Store;
  clock: Clock;
  config: Config;
  box: SecretBox;
  auditor: Auditor;
}

/** The credentials face's rules (F5's api_credential API) over the shared identity core. */
export function createCredentialServices(deps: CredentialServiceDeps): CredentialServices {
  const { store, clock, config, box, auditor } = deps;
  const ca = new CertificateAuthority(() => store.apiCredentials, clock, box, config.credentials.tenant);
  const issuer = new CredentialIssuer({ store, clock, config, auditor, ca });
  return {
    apiKeys: new ApiKeyService(store, clock),
    ca,
    mine: new MyCredentialService(issuer),
    service: new ServiceCredentialService(issuer),
    scim: new ScimTokenService(issuer),
    caller: (account) => resolveCaller(store, account),
    rateLimit: new RateLimiter(() => store.rateLimits, clock, { limit: config.credentials.requestsPerMinute, windowSeconds: 60 }),
  };
}
