import type { RequestMeta } from '../../kernel/audit.js';
import { GatehouseError } from '../../errors.js';
import type { Kernel } from '../../kernel/index.js';
import type { Account } from '../../kernel/model.js';
import type { RateLimiter } from '../../kernel/rate-limit.js';
import { normalizeEmail } from '../../kernel/rules.js';
import { portalErrors } from './errors.js';
import type { LoginSessionStore } from './login-sessions.js';
import { memberOfPortal, signInOrganization } from './organizations.js';
import type { Organization } from './ports.js';
import type { PortalToken, PortalTokens } from './tokens.js';

/** A password sign-in that needs its second step: the code mailed, or TOTP, or an approval. */
export interface TwoFactorRequired {
  email: string;
  loginSessionId: string;
}

export interface SignInDeps {
  kernel: Kernel;
  /** per-email limit on mails sent (magic codes, reset links): no mail bombing through us */
  mailLimit: RateLimiter;
  sessions: LoginSessionStore;
  tokens: PortalTokens;
}

export const MAGIC_CODE_DETAIL = 'If the address belongs to an account, a sign-in code has been sent to it.';

/** Portal password sign-in, magic codes, and the second-factor step that completes both. */
export class PortalSignInService {
  constructor(private readonly deps: SignInDeps) {}

  /** The portal a sign-in names; unknown ones are treated like a non-member (no oracle). */
  async portal(portalId: string | null | undefined): Promise<Organization | null | 'unknown'> {
    if (!portalId) return null;
    return (await this.deps.kernel.directory.organizationByUuid(portalId)) ?? 'unknown';
  }

  async login(email: string, password: string, portalId: string | null | undefined, meta: RequestMeta): Promise<PortalToken | TwoFactorRequired> {
    const { kernel, sessions } = this.deps;
    const { directory } = kernel;
    const portal = await this.portal(portalId);
    const admit = async (account: Account) => (portal !== 'unknown' && (await memberOfPortal(directory, account.id, portal)) ? undefined : 'Portal login refused: not a member of the portal');
    const outcome = await kernel.login.attempt({ identifier: email, password }, { module: 'auth:portal', meta, admit });
    if (outcome.kind === 'refused') {
      if (outcome.reason === 'throttled') throw new GatehouseError('throttled', { logDetail: outcome.detail, ...(outcome.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: outcome.retryAfterSeconds }) });
      throw portalErrors.incorrectCredentials(outcome.detail);
    }
    const { account } = outcome;
    // The kernel asks for TOTP only after the password matched: the portal's 2FA step takes it.
    const totpEnrolled = outcome.kind === 'second-factor-required';
    // `admit` refused unknown portals already; this keeps the type honest.
    if (portal === 'unknown') throw portalErrors.incorrectCredentials('unknown portal');
    if (totpEnrolled || account.mfaRequired) {
      const started = await sessions.start({ account, email: account.email ?? normalizeEmail(email), organization: portal, kind: 'password-2fa' }, meta);
      if (started.mail) void kernel.mail.dispatch([started.mail]);
      return { email: account.email ?? normalizeEmail(email), loginSessionId: started.loginSessionId };
    }
    const organization = await signInOrganization(directory, account.id, portal?.id ?? null);
    return this.deps.tokens.issue(account, { organization }, meta);
  }

  /**
   * Magic code: the same answer for every email. Unknown, inactive and non-member accounts get a
   * decoy login session and no mail; the per-email limit counts them alike.
   */
  async requestMagicCode(rawEmail: string, portalId: string | null | undefined, clientId: string | null | undefined, meta: RequestMeta): Promise<{ loginSessionId: string }> {
    const { kernel } = this.deps;
    const email = normalizeEmail(rawEmail);
    await this.deps.mailLimit.check(`portal-mail:${email}`);
    const portal = await this.portal(portalId);
    const found = await kernel.accounts.byEmail(email);
    const eligible = found?.active && portal !== 'unknown' && (await memberOfPortal(kernel.directory, found.id, portal)) ? found : undefined;
    const organization = portal === 'unknown' ? null : portal;
    const started = await this.deps.sessions.start({ account: eligible, email, organization, kind: 'magic-code', clientId }, meta);
    // Sent after the answer is decided, so its timing does not tell whether the account exists.
    if (started.mail) void kernel.mail.dispatch([started.mail]);
    return { loginSessionId: started.loginSessionId };
  }

  /** Completes a sign-in with the emailed code or a TOTP code; every failure answers alike. */
  async verify(rawEmail: string, rawCode: string, loginSessionId: string | null | undefined, meta: RequestMeta): Promise<PortalToken> {
    const { kernel, sessions } = this.deps;
    const email = normalizeEmail(rawEmail);
    const code = rawCode.replace(/\s+/g, '');
    const account = await kernel.accounts.byEmail(email);
    // A code guess spends the account's budget (the one its password guesses spend), reserved
    // before any code is compared: a parallel burst checks no more codes than the budget.
    const guess = await kernel.guesses.reserveOrThrow(account ? { account: account.id } : { unknown: email }, meta.ip);
    const session = account?.active ? await sessions.forVerification(account, loginSessionId) : undefined;
    // TOTP only completes a password sign-in: after a magic-code request it would replace the
    // emailed code, making a shoulder-surfed TOTP code alone enough to sign in.
    const totpAllowed = session?.kind === 'password-2fa' && account?.totpSecretSealed !== null;
    const ok = account && session && (sessions.codeMatches(session, code) || (totpAllowed && (await kernel.twoFactor.verify(account, code))));
    if (!account || !session || !ok) {
      await guess.failed(!account ? 'unknown_user' : !session ? 'no_login_session' : 'wrong_code');
      if (session) await sessions.wrongCode(session);
      if (account) await kernel.audit.record(meta, { accountId: account.id, level: 'warn', module: 'auth:portal', message: 'Sign-in code rejected' });
      throw portalErrors.invalidCode(!account ? 'unknown email' : !session ? 'no usable login session' : 'wrong code');
    }
    if (!(await sessions.complete(session))) throw portalErrors.invalidCode('login session decided concurrently');
    await guess.succeeded();
    await kernel.audit.record(meta, { accountId: account.id, level: 'info', module: 'auth:portal', message: 'Login Successful (second factor)' });
    const organization = await signInOrganization(kernel.directory, account.id, session.organizationId);
    return this.deps.tokens.issue(account, { organization }, meta);
  }
}
