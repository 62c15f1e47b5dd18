import type { Auditor } from '../../kernel/audit.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { LoginService } from '../../kernel/login.js';
import type { OAuth2Service } from '../../kernel/oauth2/service.js';
import type { Store } from '../../kernel/ports.js';
import { RateLimiter } from '../../kernel/rate-limit.js';
import { OktaLoginService } from './okta-login.js';
import { MgmtPasswordLogin } from './password-login.js';
import { MgmtTokens } from './tokens.js';

export interface MgmtServices {
  passwordLogin: MgmtPasswordLogin;
  tokens: MgmtTokens;
  okta: OktaLoginService;
}

export interface MgmtDeps {
  store: Store;
  clock: Clock;
  config: Config;
  auditor: Auditor;
  login: LoginService;
  oauth2: OAuth2Service;
}

/** The mgmt face's rules (the croit management node's auth group) over the shared identity core. */
export function createMgmtServices(deps: MgmtDeps): MgmtServices {
  const { store, clock, config, auditor } = deps;
  const tokens = new MgmtTokens(store, clock, auditor, deps.oauth2);
  const okta = config.mgmt.okta;
  const rateLimit = new RateLimiter(() => store.rateLimits, clock, { limit: okta.requestsPerMinute, windowSeconds: 60 });
  return {
    passwordLogin: new MgmtPasswordLogin(deps.login, tokens),
    tokens,
    okta: new OktaLoginService(store, clock, auditor, tokens, rateLimit, config.accounts, okta),
  };
}
