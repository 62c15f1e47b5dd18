import type { FaceDeps } from '../../kernel/face.js';
import type { RateLimiter } from '../../kernel/rate-limit.js';
import { PortalAccountService } from './account.js';
import { ApprovalService } from './approvals.js';
import { CliExchangeService } from './cli-exchange.js';
import { ImpersonationService } from './impersonation.js';
import { LoginSessionStore } from './login-sessions.js';
import { PasswordResetService } from './password-reset.js';
import type { PortalRepository } from './ports.js';
import { PortalSignInService } from './sign-in.js';
import { PortalTokens } from './tokens.js';

/** The portal face's own tables: pending sign-ins and single-use codes. */
export interface PortalStore {
  portal: PortalRepository;
}

export interface PortalSettings {
  publicUrl: string;
  landingPage: string;
  /** per client address per minute on the public operations; 0: no limit */
  requestsPerMinute: number;
}

export interface PortalRules {
  settings: PortalSettings;
  account: PortalAccountService;
  signIn: PortalSignInService;
  approvals: ApprovalService;
  cli: CliExchangeService;
  reset: PasswordResetService;
  impersonation: ImpersonationService;
  /** per client address, on the public operations */
  rateLimit: RateLimiter;
  /** token pairs of portal and CLI sign-ins (refresh) */
  tokens: PortalTokens;
}

/** Mails (codes, reset links) per email address per 15 minutes, counted alike for unknown emails. */
const MAILS_PER_EMAIL = 5;

/** The portal face's rules (Valstorm's /v1/auth) over the identity kernel. */
export function createPortalRules({ kernel, store, within, settings }: FaceDeps<PortalStore, PortalSettings>): PortalRules {
  const { publicUrl } = settings;
  const tokens = new PortalTokens(kernel);
  const sessions = new LoginSessionStore(kernel, store.portal, publicUrl);
  const mailLimit = kernel.rateLimiter({ limit: MAILS_PER_EMAIL, windowSeconds: 900 });
  return {
    settings,
    account: new PortalAccountService(kernel, tokens),
    signIn: new PortalSignInService({ kernel, mailLimit, sessions, tokens }),
    approvals: new ApprovalService(kernel, store.portal, sessions, tokens),
    cli: new CliExchangeService(kernel, store.portal, tokens, publicUrl),
    reset: new PasswordResetService({ kernel, portal: store.portal, within: (tx) => within(tx).portal, mailLimit, publicUrl }),
    impersonation: new ImpersonationService(kernel, tokens),
    rateLimit: kernel.rateLimiter({ limit: settings.requestsPerMinute, windowSeconds: 60 }),
    tokens,
  };
}
