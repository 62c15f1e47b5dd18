import type { Auditor, RequestMeta } from '../audit.js';
import type { Clock } from '../../clock.js';
import type { GuessBudget } from '../guess-budget.js';
import type { LoginService } from '../login.js';
import type { Account } from '../model.js';
import type { KernelStore } from '../ports.js';
import type { ClientRegistry } from './clients.js';
import type { KeyRing } from './keys.js';
import type { TokenIssuer } from './tokens.js';
import { oauthError } from './scopes.js';

/** What the OAuth2 parts share; assembled once in OAuth2Service. */
export interface OAuth2Deps {
  store: KernelStore;
  clock: Clock;
  auditor: Auditor;
  login: LoginService;
  guesses: GuessBudget;
  clients: ClientRegistry;
  keys: KeyRing;
  tokens: TokenIssuer;
  /** `iss` of every token: the public base URL */
  issuer: string;
  webgrant: boolean;
  /** lifetime of the bearer tokens Gatehouse's own faces hand out */
  firstPartyTokenSeconds: number;
}

/** The grant's account, if it still may use tokens (deleted or disabled accounts may not). */
export async function activeAccount(deps: OAuth2Deps, accountId: number): Promise<Account> {
  const account = await deps.store.accounts.findById(accountId);
  if (!account?.active) throw oauthError('invalid_grant', 'the account is not active', `account ${accountId} inactive or gone`);
  return account;
}

/**
 * Replay of a spent code or a rotated refresh token: someone other than the legitimate client may
 * hold it, so every token of the grant dies (RFC 6749 §4.1.2, RFC 9700 §4.14.2). Written outside
 * any transaction that is about to roll back: the revocation must stick although the call fails.
 */
export async function revokeFamilyOnReplay(deps: OAuth2Deps, grantId: number, accountId: number, what: string, meta: RequestMeta): Promise<never> {
  const now = deps.clock.now();
  await deps.store.oauth2.revokeGrant(grantId, now);
  await deps.auditor.record(deps.store.audit, meta, { accountId, level: 'alert', module: 'auth:oauth2', message: `OAuth2 ${what} reused; grant revoked` });
  throw oauthError('invalid_grant', `${what} is invalid, expired or already used`, `${what} replay on grant ${grantId}`);
}
