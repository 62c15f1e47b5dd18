import { randomBytes } from 'node:crypto';
import type { RequestMeta } from '../../kernel/audit.js';
import { addSeconds } from '../../clock.js';
import { sha256Hex } from '../../crypto.js';
import { GatehouseError } from '../../errors.js';
import type { Kernel } from '../../kernel/index.js';
import type { Account } from '../../kernel/model.js';
import { normalizeUsername, usernameProblem, type CredentialRules } from '../../kernel/rules.js';
import type { SetupRepository } from './ports.js';

/** QuackStack's rule for an administrator's password, on top of the project's own. */
export const ADMIN_PASSWORD_MIN = 12;
export const BOOTSTRAP_TTL_DEFAULT = 1800;

export interface BootstrapRequest {
  username: string;
  password: string;
  principalName?: string | undefined;
  bootstrapToken?: string | undefined;
}

export interface SignedIn {
  account: Account;
  accessToken: string;
  expiresIn: number;
}

const bad = (message: string) => new GatehouseError('bad_request', { message });
const tokenRequired = () => new GatehouseError('forbidden', { message: 'valid bootstrap token required' });

/**
 * First-admin bootstrap. A fresh install (no account, setup never completed) needs no token for
 * its first administrator; after that only a bootstrap token minted by an administrator (or the
 * admin CLI) creates another. Tokens are 192-bit, stored as SHA-256, single-use by one
 * conditional UPDATE, and a new one replaces the old.
 */
export class BootstrapService {
  constructor(
    private readonly kernel: Kernel,
    private readonly setup: SetupRepository,
    private readonly rules: CredentialRules,
  ) {}

  /** A fresh install: no account yet and setup never completed (the first bootstrap needs no token). */
  async isFresh(): Promise<boolean> {
    return (await this.setup.get()).completedAt === null && !(await this.kernel.accounts.anyExists());
  }

  async mintToken(admin: Account | undefined, ttlSeconds: number, meta: RequestMeta): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(24).toString('hex');
    const expiresAt = addSeconds(this.kernel.clock.now(), ttlSeconds);
    await this.setup.storeBootstrapToken(sha256Hex(token), expiresAt);
    await this.kernel.audit.record(meta, { accountId: admin?.id ?? null, level: 'info', module: 'auth:platform', message: 'AUTH_BOOTSTRAP_TOKEN_CREATE' });
    return { token, expiresAt };
  }

  async complete(request: BootstrapRequest, meta: RequestMeta): Promise<SignedIn> {
    const username = normalizeUsername(request.username);
    if (!username) throw bad('username is required');
    if ([...request.password].length < ADMIN_PASSWORD_MIN) throw bad(`password must be at least ${ADMIN_PASSWORD_MIN} characters`);
    if (Buffer.byteLength(request.password, 'utf8') > 72) throw bad('password must be at most 72 bytes');
    if (usernameProblem(this.rules, username)) throw bad('invalid username');
    const principalName = request.principalName?.trim().toLowerCase() || username;

    const releaseOnFailure = await this.authorize(request.bootstrapToken, meta);
    try {
      // A taken username is found by AccountService.create itself (username_unavailable, below).
      if (await this.kernel.accounts.displayNameTaken(principalName)) throw new GatehouseError('conflict', { message: `principal "${principalName}" already exists` });
      const created = await this.kernel.accounts.create({ username, email: null, password: request.password, displayName: principalName, isAdmin: true, roles: ['admin'] }, meta);
      await this.setup.markCompleted(created.account.id, this.kernel.clock.now());
      const token = await this.kernel.tokens.issue('platform', created.account, meta);
      await this.kernel.audit.record(meta, { accountId: created.account.id, level: 'info', module: 'auth:platform', message: 'AUTH_BOOTSTRAP_COMPLETE' });
      return { account: created.account, accessToken: token.accessToken, expiresIn: token.expiresIn };
    } catch (error) {
      await releaseOnFailure();
      if (error instanceof GatehouseError && error.code === 'username_unavailable') throw new GatehouseError('conflict', { message: `principal "${principalName}" already exists`, cause: error });
      throw error;
    }
  }

  /**
   * Either consumes the presented bootstrap token (spent even if a later step fails, as in the
   * original) or claims the fresh install's one token-less bootstrap. Returns what undoes the
   * claim when account creation fails, so a failed first bootstrap does not lock the instance.
   */
  private async authorize(presented: string | undefined, meta: RequestMeta): Promise<() => Promise<void>> {
    // Every presentation is a guess at the bootstrap token, reserved before it is compared.
    const guess = await this.kernel.guesses.reserveOrThrow({ secret: `bootstrap:${meta.ip ?? 'unknown'}` }, null);
    const now = this.kernel.clock.now();
    const state = await this.setup.get();
    const needsToken = state.completedAt !== null || (await this.kernel.accounts.anyExists());
    if (!needsToken) {
      await guess.succeeded();
      if (await this.setup.claimFirstSetup(now)) return () => this.setup.releaseFirstSetup();
      throw tokenRequired();
    }
    const token = presented?.trim();
    if (token && (await this.setup.consumeBootstrapToken(sha256Hex(token), now))) {
      await guess.succeeded();
      return async () => {};
    }
    await guess.failed('bad_bootstrap_token');
    await this.kernel.audit.record(meta, { accountId: null, level: 'warn', module: 'auth:platform', message: 'Bootstrap refused: no valid bootstrap token' });
    throw tokenRequired();
  }
}
