import { AccountService } from './kernel/accounts.js';
import { Auditor } from './kernel/audit.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { createCredentialServices, type CredentialServices } from './faces/credentials/index.js';
import type { SecretBox } from './crypto.js';
import { LoginService } from './kernel/login.js';
import { MailQueue, type Mailer } from './kernel/mail.js';
import { createMgmtServices, type MgmtServices } from './faces/mgmt/index.js';
import { OAuth2Service } from './kernel/oauth2/service.js';
import { OneTimeLoginService } from './kernel/onetime.js';
import { PasswordHasher } from './kernel/passwords.js';
import { createPortalServices, type PortalServices } from './faces/portal/index.js';
import { createPlatformServices, type PlatformServices } from './faces/platform/index.js';
import type { Store } from './kernel/ports.js';
import { SessionService } from './kernel/sessions.js';
import { SimpleAuthSignIn } from './faces/simple-auth/sign-in.js';
import { LoginThrottle } from './kernel/throttle.js';
import { TotpService } from './kernel/totp.js';

export interface ServiceDeps {
  store: Store;
  clock: Clock;
  config: Config;
  box: SecretBox;
  mailer: Mailer;
  onMailError: (error: unknown) => void;
}

/** The identity core, assembled once per process and shared by every face's handlers. */
export interface Services {
  store: Store;
  clock: Clock;
  config: Config;
  auditor: Auditor;
  passwords: PasswordHasher;
  accounts: AccountService;
  sessions: SessionService;
  login: LoginService;
  totp: TotpService;
  onetime: OneTimeLoginService;
  mail: MailQueue;
  oauth2: OAuth2Service;
  platform: PlatformServices;
  mgmt: MgmtServices;
  credentials: CredentialServices;
  portal: PortalServices;
  simpleAuth: { signIn: SimpleAuthSignIn };
}

export function createServices(deps: ServiceDeps): Services {
  const { store, clock, config, box } = deps;
  const auditor = new Auditor(clock);
  const passwords = new PasswordHasher(config.security.bcryptCost);
  const totp = new TotpService(clock, box, { issuer: config.twoFactor.issuer, drift: config.twoFactor.drift });
  const throttle = new LoginThrottle(clock, config.login);
  const login = new LoginService(store, passwords, throttle, totp, auditor);
  const accounts = new AccountService(store, clock, passwords, auditor, { ...config.accounts, publicUrl: config.server.publicUrl });
  const sessions = new SessionService(store, clock, config.sessions);
  const oauth2 = new OAuth2Service({ store, clock, config, box, auditor, login });
  return {
    store,
    clock,
    config,
    auditor,
    passwords,
    totp,
    accounts,
    sessions,
    login,
    onetime: new OneTimeLoginService(store, clock, auditor, { tokenSeconds: config.onetime.tokenSeconds, publicUrl: config.server.publicUrl }),
    mail: new MailQueue(deps.mailer, deps.onMailError),
    oauth2,
    platform: createPlatformServices({ store, clock, config, box, auditor, accounts, sessions, oauth2, throttle, login }),
    simpleAuth: { signIn: new SimpleAuthSignIn(login, sessions) },
    mgmt: createMgmtServices({ store, clock, config, auditor, login, oauth2 }),
    credentials: createCredentialServices({ store, clock, config, box, auditor }),
    portal: createPortalServices({ store, clock, config, auditor, passwords, login, totp, throttle, oauth2 }),
  };
}
