import type { Auditor } from '../../kernel/audit.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { LoginService } from '../../kernel/login.js';
import type { OAuth2Service } from '../../kernel/oauth2/service.js';
import type { PasswordHasher } from '../../kernel/passwords.js';
import type { Store } from '../../kernel/ports.js';
import { RateLimiter } from '../../kernel/rate-limit.js';
import type { LoginThrottle } from '../../kernel/throttle.js';
import type { TotpService } from '../../kernel/totp.js';
import { PortalAccountService } from './account.js';
import { ApprovalService } from './approvals.js';
import { CliExchangeService } from './cli-exchange.js';
import { ImpersonationService } from './impersonation.js';
import { LoginSessionStore } from './login-sessions.js';
import { OrganizationAdmin } from './organization-admin.js';
import { PasswordResetService } from './password-reset.js';
import { PortalSignInService } from './sign-in.js';
import { PortalTokens } from './tokens.js';

export interface PortalServices {
  account: PortalAccountService;
  signIn: PortalSignInService;
  approvals: ApprovalService;
  cli: CliExchangeService;
  reset: PasswordResetService;
  impersonation: ImpersonationService;
  organizations: OrganizationAdmin;
  /** per client address, on the public operations */
  rateLimit: RateLimiter;
}

export interface PortalDeps {
  store: Store;
  clock: Clock;
  config: Config;
  auditor: Auditor;
  passwords: PasswordHasher;
  login: LoginService;
  totp: TotpService;
  throttle: LoginThrottle;
  oauth2: OAuth2Service;
}

/** Mails (codes, reset links) per email address per 15 minutes, counted alike for unknown emails. */
const MAILS_PER_EMAIL = 5;

/** The portal face's rules (Valstorm's /v1/auth) over the shared identity core. */
export function createPortalServices(deps: PortalDeps): PortalServices {
  const { store, clock, config, auditor } = deps;
  const publicUrl = config.server.publicUrl;
  const tokens = new PortalTokens(deps.oauth2);
  const sessions = new LoginSessionStore(store, clock, auditor, publicUrl);
  const mailLimit = new RateLimiter(() => store.rateLimits, clock, { limit: MAILS_PER_EMAIL, windowSeconds: 900 });
  return {
    account: new PortalAccountService(store, clock, auditor, tokens),
    signIn: new PortalSignInService({ store, auditor, login: deps.login, totp: deps.totp, throttle: deps.throttle, mailLimit, sessions, tokens }),
    approvals: new ApprovalService(store, clock, auditor, sessions, tokens),
    cli: new CliExchangeService(store, clock, auditor, tokens, publicUrl),
    reset: new PasswordResetService({ store, clock, auditor, passwords: deps.passwords, mailLimit, publicUrl }),
    impersonation: new ImpersonationService(store, auditor, tokens),
    organizations: new OrganizationAdmin(store, clock, auditor),
    rateLimit: new RateLimiter(() => store.rateLimits, clock, { limit: config.portal.requestsPerMinute, windowSeconds: 60 }),
  };
}
