import type { FaceDeps } from '../../kernel/face.js';
import type { Kernel } from '../../kernel/index.js';
import type { LiveSession, SessionService } from '../../kernel/sessions.js';
import { SIMPLE_AUTH_SESSION, SimpleAuthAccounts } from './account.js';
import { SimpleAuthOneTime } from './onetime.js';
import type { SimpleAuthSettings } from './settings.js';
import { SimpleAuthSignIn } from './sign-in.js';
import { SimpleAuthTwoFactor } from './two-factor.js';

export type { SimpleAuthSettings };
export { SIMPLE_AUTH_SESSION };

export interface SimpleAuthRules {
  settings: SimpleAuthSettings;
  accounts: SimpleAuthAccounts;
  signIn: SimpleAuthSignIn;
  twoFactor: SimpleAuthTwoFactor;
  onetime: SimpleAuthOneTime;
  /** the browser's session behind simple-auth's cookie */
  sessions: Pick<SessionService, 'end'> & { resolve(token: string): Promise<LiveSession | undefined> };
  /** the OAuth2 authorization server simple-auth fronts */
  oauth2: Kernel['oauth2'];
  /** the kernel's clock (sign-in ages for `max_age`) */
  clock: Kernel['clock'];
}

/** The simple-auth face's rules (zix99/simple-auth) over the identity kernel; it has no tables of its own. */
export function createSimpleAuthRules({ kernel, settings }: FaceDeps<object, SimpleAuthSettings>): SimpleAuthRules {
  return {
    settings,
    accounts: new SimpleAuthAccounts(kernel, settings, kernel.rateLimiter({ limit: settings.usernameChecksPerMinute, windowSeconds: 60 })),
    signIn: new SimpleAuthSignIn(kernel.login, kernel.sessions),
    twoFactor: new SimpleAuthTwoFactor(kernel, settings),
    onetime: new SimpleAuthOneTime(kernel, settings),
    sessions: { end: (token) => kernel.sessions.end(token), resolve: (token) => kernel.sessions.resolve(token, SIMPLE_AUTH_SESSION) },
    oauth2: kernel.oauth2,
    clock: kernel.clock,
  };
}
