import type { RequestMeta } from '../../kernel/audit.js';
import { addSeconds } from '../../clock.js';
import { randomToken, sha256Hex } from '../../crypto.js';
import type { Kernel } from '../../kernel/index.js';
import type { PortalRepository } from './ports.js';
import { portalErrors } from './errors.js';
import { organizationContext, type PortalCaller } from './organizations.js';
import type { PortalToken, PortalTokens } from './tokens.js';

/** Exchange codes travel in a URL (logs, history): two minutes and one use bound the damage. */
export const EXCHANGE_SECONDS = 120;

export interface ExchangeCode {
  exchange_code: string;
  expires_in: number;
  login_url: string;
}

/** CLI-to-browser hand-over: the CLI mints a code, the browser trades it for its own session. */
export class CliExchangeService {
  constructor(
    private readonly kernel: Kernel,
    private readonly portal: PortalRepository,
    private readonly tokens: PortalTokens,
    private readonly publicUrl: string,
  ) {}

  async mint(caller: PortalCaller, meta: RequestMeta): Promise<ExchangeCode> {
    const code = randomToken(32);
    const now = this.kernel.clock.now();
    const { current } = await organizationContext(this.kernel.directory, caller.account, caller.org);
    const actor = caller.actor ? await this.kernel.accounts.byUuid(caller.actor) : undefined;
    await this.portal.insertCode({
      purpose: 'cli-exchange',
      codeHash: sha256Hex(code),
      accountId: caller.account.id,
      organizationId: current?.organization.id ?? null,
      actorAccountId: actor?.id ?? null,
      at: now,
      expiresAt: addSeconds(now, EXCHANGE_SECONDS),
    });
    await this.kernel.audit.record(meta, { accountId: caller.account.id, level: 'info', module: 'auth:portal', message: 'CLI browser exchange code issued' });
    return { exchange_code: code, expires_in: EXCHANGE_SECONDS, login_url: `${this.publicUrl}/cli-login?code=${encodeURIComponent(code)}` };
  }

  /** Unknown, expired and used codes fail alike; the conditional UPDATE decides races. */
  async consume(code: string, meta: RequestMeta): Promise<PortalToken> {
    // A guess at a 256-bit code: spends the address's budget when it names nothing.
    const guess = await this.kernel.guesses.reserveAddressOrThrow(meta.ip);
    const found = await this.portal.findCode('cli-exchange', sha256Hex(code));
    await (found ? guess.succeeded() : guess.failed('unknown_exchange_code'));
    const now = this.kernel.clock.now();
    if (!found || found.usedAt || found.expiresAt <= now) throw portalErrors.invalidCode(!found ? 'unknown exchange code' : found.usedAt ? 'exchange code replayed' : 'exchange code expired');
    if (!(await this.portal.consumeCode(found.id, now))) throw portalErrors.invalidCode('exchange code used concurrently');
    const account = await this.kernel.accounts.byId(found.accountId);
    const actor = found.actorAccountId === null ? undefined : await this.kernel.accounts.byId(found.actorAccountId);
    if (!account?.active || (actor && !actor.active)) throw portalErrors.invalidCode('account inactive');
    const organization = found.organizationId === null ? null : ((await this.kernel.directory.organizationById(found.organizationId)) ?? null);
    const token = await this.tokens.issue(account, { organization, actor }, meta);
    await this.kernel.audit.record(meta, { accountId: account.id, level: 'info', module: 'auth:portal', message: 'CLI browser exchange code redeemed' });
    return token;
  }
}
