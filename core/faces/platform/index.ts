import type { FaceDeps } from '../../kernel/face.js';
import type { RateLimiter } from '../../kernel/rate-limit.js';
import type { CredentialRules } from '../../kernel/rules.js';
import type { SessionSettings } from '../../kernel/sessions.js';
import { BootstrapService } from './bootstrap.js';
import { PlatformLocalLogin } from './local-login.js';
import { OidcLoginService } from './oidc-login.js';
import { OidcProviderService } from './oidc-provider.js';
import type { CounterRepository, OidcRepository, SetupRepository } from './ports.js';
import { WebSessionService } from './web-sessions.js';

/** The platform face's own tables: setup state, the upstream provider and its flows, counters. */
export interface PlatformStore {
  setup: SetupRepository;
  oidc: OidcRepository;
  counters: CounterRepository;
}

export interface PlatformSettings {
  /** username rules a bootstrapped administrator's name must meet */
  credentialRules: CredentialRules;
  publicUrl: string;
  allowedContinueUrls: readonly RegExp[];
  landingPage: string;
  sessions: SessionSettings;
  webSessionsEnabled: boolean;
  uiSessionCookie: string;
  /** per client address per minute on the public operations; 0: no limit */
  requestsPerMinute: number;
}

export interface PlatformRules {
  settings: PlatformSettings;
  bootstrap: BootstrapService;
  localLogin: PlatformLocalLogin;
  providers: OidcProviderService;
  webSessions: WebSessionService;
  oidcLogin: OidcLoginService;
  /** per client address, on the public operations */
  rateLimit: RateLimiter;
}

/** The platform face's rules (QuackStack's auth group) over the identity kernel. */
export function createPlatformRules({ kernel, store, settings }: FaceDeps<PlatformStore, PlatformSettings>): PlatformRules {
  const providers = new OidcProviderService(kernel, store.oidc);
  const webSessions = new WebSessionService(kernel, store.counters, { ...settings.sessions, enabled: settings.webSessionsEnabled });
  return {
    settings,
    bootstrap: new BootstrapService(kernel, store.setup, settings.credentialRules),
    localLogin: new PlatformLocalLogin(kernel),
    providers,
    webSessions,
    oidcLogin: new OidcLoginService(kernel, store.oidc, providers, webSessions, settings),
    rateLimit: kernel.rateLimiter({ limit: settings.requestsPerMinute, windowSeconds: 60 }),
  };
}
