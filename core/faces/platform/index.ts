import type { AccountService } from '../../kernel/accounts.js';
import type { Auditor } from '../../kernel/audit.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { SecretBox } from '../../crypto.js';
import type { OAuth2Service } from '../../kernel/oauth2/service.js';
import type { Store } from '../../kernel/ports.js';
import type { SessionService } from '../../kernel/sessions.js';
import type { LoginThrottle } from '../../kernel/throttle.js';
import type { LoginService } from '../../kernel/login.js';
import { RateLimiter } from '../../kernel/rate-limit.js';
import { ApiKeyService } from '../credentials/api-keys.js';
import { BootstrapService } from './bootstrap.js';
import { PlatformLocalLogin } from './local-login.js';
import { OidcLoginService } from './oidc-login.js';
import { OidcProviderService } from './oidc-provider.js';
import { WebSessionService } from './web-sessions.js';

export interface PlatformServices {
  bootstrap: BootstrapService;
  localLogin: PlatformLocalLogin;
  providers: OidcProviderService;
  webSessions: WebSessionService;
  oidcLogin: OidcLoginService;
  apiKeys: ApiKeyService;
  /** per client address, on the public operations */
  rateLimit: RateLimiter;
}

export interface PlatformDeps {
  store: Store;
  clock: Clock;
  config: Config;
  box: SecretBox;
  auditor: Auditor;
  accounts: AccountService;
  sessions: SessionService;
  oauth2: OAuth2Service;
  throttle: LoginThrottle;
  login: LoginService;
}

/** The platform face's rules (QuackStack's auth group) over the shared identity core. */
export function createPlatformServices(deps: PlatformDeps): PlatformServices {
  const { store, clock, config, box, auditor } = deps;
  const providers = new OidcProviderService(store, clock, box, auditor);
  const webSessions = new WebSessionService(store, clock, auditor, deps.sessions, { ...config.sessions, enabled: config.platform.webSessionsEnabled });
  return {
    bootstrap: new BootstrapService(store, clock, auditor, deps.accounts, deps.oauth2, deps.throttle, config.accounts),
    localLogin: new PlatformLocalLogin(deps.login, deps.oauth2),
    providers,
    webSessions,
    oidcLogin: new OidcLoginService(store, clock, box, auditor, providers, webSessions, {
      ...config.accounts,
      publicUrl: config.server.publicUrl,
      allowedContinueUrls: config.login.allowedContinueUrls,
      landingPage: config.login.landingPage,
    }),
    apiKeys: new ApiKeyService(store, clock),
    rateLimit: new RateLimiter(() => store.rateLimits, clock, { limit: config.platform.requestsPerMinute, windowSeconds: 60 }),
  };
}
