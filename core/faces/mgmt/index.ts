import type { OktaSettings } from '../../config.js';
import type { FaceDeps } from '../../kernel/face.js';
import { OktaLoginService } from './okta-login.js';
import { MgmtPasswordLogin } from './password-login.js';
import type { MgmtStore } from './ports.js';
import { MgmtTokens } from './tokens.js';

export interface MgmtSettings {
  okta: OktaSettings;
}

export interface MgmtRules {
  settings: MgmtSettings;
  passwordLogin: MgmtPasswordLogin;
  tokens: MgmtTokens;
  okta: OktaLoginService;
}

/** The mgmt face's rules (the croit management node's auth group) over the identity kernel. */
export function createMgmtRules({ kernel, store, settings }: FaceDeps<MgmtStore, MgmtSettings>): MgmtRules {
  const rateLimit = kernel.rateLimiter({ limit: settings.okta.requestsPerMinute, windowSeconds: 60 });
  return {
    settings,
    passwordLogin: new MgmtPasswordLogin(kernel),
    tokens: new MgmtTokens(kernel),
    okta: new OktaLoginService(kernel, store.idTokenUses, rateLimit, settings.okta),
  };
}
