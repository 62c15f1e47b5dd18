import type { Auditor, RequestMeta } from './audit.js';
import { GatehouseError } from '../errors.js';
import type { Telemetry } from '../telemetry.js';
import type { Account } from './model.js';
import type { PasswordHasher } from './passwords.js';
import type { KernelStore } from './ports.js';
import { normalizeEmail, normalizeUsername } from './rules.js';
import { isRefused, type GuessBudget, type GuessSubject } from './guess-budget.js';
import type { TotpService } from './totp.js';

export interface LoginAttempt {
  /** username or email */
  identifier: string;
  password: string;
  /** a TOTP code, when the face's form carries one */
  totp?: string | undefined;
}

/** Who asks: the face's audit module and what its audit row says when the login succeeds. */
export interface LoginContext {
  module: string;
  meta: RequestMeta;
  /** the audit message of a successful login (default `Login Successful`) */
  succeeded?: string;
  /** the audit message of a refused one, from the specific reason (default: the kernel's words) */
  failed?: (detail: string) => string;
  /**
   * The face's own admission rule, asked once the password is right (the portal: a member of the
   * portal named in the request). A returned text refuses the login as `not-admitted` and is the
   * audit row's message.
   */
  admit?: (account: Account) => Promise<string | undefined>;
}

/**
 * Why a login was refused. Faces answer these in their own words; none of them tells an unknown
 * user from a wrong password (that difference is only in `detail`, for the audit row and the log).
 */
export type LoginRefusal = 'invalid-credentials' | 'inactive' | 'unsatisfied-stipulations' | 'not-admitted' | 'second-factor-failed' | 'throttled';

export type LoginOutcome =
  | { kind: 'signed-in'; account: Account }
  /** the password was right and the account has TOTP, but no code came with it */
  | { kind: 'second-factor-required'; account: Account }
  | { kind: 'refused'; reason: LoginRefusal; detail: string; retryAfterSeconds?: number };

/**
 * The one login check every face uses. Order matters: the account is looked up (no secret is
 * checked), a guess is reserved against it; then the password,
 * at the same cost for unknown users; only after a correct password does the caller learn that
 * the account is inactive, has open stipulations or needs a second factor (so none of those can
 * be probed without the password). Every attempt that is checked writes exactly one audit row,
 * with the specific reason; an attempt refused by the budget checks nothing and writes none (a
 * flood of refused guesses must not become a flood of rows).
 */
export class LoginService {
  constructor(
    private readonly store: KernelStore,
    private readonly passwords: PasswordHasher,
    private readonly guesses: GuessBudget,
    private readonly totp: TotpService,
    private readonly auditor: Auditor,
    private readonly telemetry: Telemetry,
  ) {}

  async attempt(attempt: LoginAttempt, context: LoginContext): Promise<LoginOutcome> {
    const outcome = await this.decide(attempt, context);
    // The face is the audit module without its `auth:` area prefix (auth:mgmt → mgmt).
    this.telemetry.loginOutcome(context.module.replace(/^auth:/, ''), outcome.kind, outcome.kind === 'refused' ? outcome.reason : undefined);
    return outcome;
  }

  private async decide(attempt: LoginAttempt, context: LoginContext): Promise<LoginOutcome> {
    const { store } = this;
    const { meta } = context;
    const account = await this.find(attempt.identifier);
    // The guess is reserved before the password is checked: a parallel burst checks no more
    // passwords than the budget allows, whichever identifier, face or instance it comes through.
    const reservation = await this.guesses.reserve(subjectOf(account, attempt.identifier), meta.ip);
    if (isRefused(reservation)) return { kind: 'refused', reason: 'throttled', detail: reservation.detail, retryAfterSeconds: reservation.retryAfterSeconds };

    const passwordOk = await this.passwords.verify(attempt.password, account?.passwordHash);
    const audit = (message: string, level: 'info' | 'warn' = 'warn') => this.auditor.record(store.audit, meta, { accountId: account?.id ?? null, level, module: context.module, message });
    const refuse = async (reason: LoginRefusal, detail: string, message: string, failure?: string): Promise<LoginOutcome> => {
      // A right password is no failed guess: stipulations wait for the mailed token, admission for an operator.
      await (failure ? reservation.failed(failure) : reservation.succeeded());
      // The attempted name is not written down: people type passwords into the username field.
      await audit(context.failed?.(detail) ?? message);
      return { kind: 'refused', reason, detail };
    };

    if (!account) return refuse('invalid-credentials', 'unknown user', 'Login failed: unknown user', 'unknown_user');
    if (!passwordOk) return account.passwordHash ? refuse('invalid-credentials', 'wrong password', 'Login failed', 'bad_password') : refuse('invalid-credentials', 'no password', 'Login failed', 'no_password');
    if (!account.active) return refuse('inactive', 'inactive account', 'Login refused: inactive account', 'inactive');
    if ((await store.stipulations.countOpen(account.id)) > 0) return refuse('unsatisfied-stipulations', 'open stipulations', 'Login refused: unsatisfied stipulations');
    const notAdmitted = await context.admit?.(account);
    if (notAdmitted) return refuse('not-admitted', notAdmitted, notAdmitted);
    if (account.totpSecretSealed) {
      if (!attempt.totp) {
        await reservation.succeeded();
        await audit('Password accepted; second factor required', 'info');
        return { kind: 'second-factor-required', account };
      }
      if (!(await this.totp.verifyAndConsume(store.accounts, account, attempt.totp))) return refuse('second-factor-failed', 'wrong or replayed TOTP code', 'TOTP Rejected', 'totp_failed');
    }
    await reservation.succeeded();
    await audit(context.succeeded ?? 'Login Successful', 'info');
    return { kind: 'signed-in', account };
  }

  /** By email first when it looks like one, then by username (simple-auth's order). */
  private async find(identifier: string): Promise<Account | undefined> {
    if (!identifier.trim()) return undefined;
    if (identifier.includes('@')) {
      const byEmail = await this.store.accounts.findByEmail(normalizeEmail(identifier));
      if (byEmail) return byEmail;
    }
    return this.store.accounts.findByUsername(normalizeUsername(identifier));
  }
}

/** Whose budget a login spends: the account, whatever names it; else the name as typed, normalised. */
export function subjectOf(account: Account | undefined, identifier: string): GuessSubject {
  if (account) return { account: account.id };
  const trimmed = identifier.trim();
  return { unknown: trimmed.includes('@') ? normalizeEmail(trimmed) : normalizeUsername(trimmed) };
}

/** A refusal as the domain error most faces answer with; a face with its own words maps it itself. */
export function refusalError(outcome: Extract<LoginOutcome, { kind: 'refused' }>): GatehouseError {
  const code = REFUSAL_CODES[outcome.reason];
  return new GatehouseError(code, { logDetail: outcome.detail, ...(outcome.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: outcome.retryAfterSeconds }) });
}

const REFUSAL_CODES = {
  'invalid-credentials': 'invalid_credentials',
  inactive: 'inactive_account',
  'unsatisfied-stipulations': 'unsatisfied_stipulations',
  'not-admitted': 'invalid_credentials',
  'second-factor-failed': 'totp_failed',
  throttled: 'throttled',
} as const satisfies Record<LoginRefusal, string>;
