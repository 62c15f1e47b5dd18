import type { RequestMeta } from '../../kernel/audit.js';
import { epochSeconds } from '../../clock.js';
import type { Kernel } from '../../kernel/index.js';
import type { Account } from '../../kernel/model.js';
import { firstPartyClientId, type FirstPartyToken, type LiveAccessToken } from '../../kernel/oauth2/first-party.js';
import { accountRoles } from './roles.js';

export const MGMT_MODULE = 'auth:mgmt';
/** The mgmt face's built-in client: its tokens carry the roles fixed at login as their scopes. */
export const MGMT_FACE = 'mgmt';
const MGMT_CLIENT_ID = firstPartyClientId(MGMT_FACE);

/** A signed-in mgmt caller: the token and what the contract's `Token` says about it. */
export interface MgmtSignedIn {
  account: Account;
  roles: string[];
  token: FirstPartyToken;
  /** only for password logins */
  passwordWasNeverChanged?: boolean;
}

export interface TokenInfo {
  username: string;
  roles: string[];
  /** Unix time, seconds */
  expiry: number;
}

/** A token of the `gatehouse:mgmt` client whose grant and token carry exactly these roles. */
export async function signIn(kernel: Kernel, account: Account, roles: string[], meta: RequestMeta): Promise<MgmtSignedIn> {
  return { account, roles, token: await kernel.tokens.issue(MGMT_FACE, account, meta, { roles }) };
}

/** Describing and ending the mgmt face's bearer tokens (and any face's, which it accepts too). */
export class MgmtTokens {
  constructor(private readonly kernel: Kernel) {}

  /** A token from another face was issued without roles: its account's current roles stand in. */
  describe(live: LiveAccessToken): TokenInfo {
    const roles = live.token.clientId === MGMT_CLIENT_ID ? [...live.token.scopes].sort() : accountRoles(live.account);
    return { username: live.account.username, roles, expiry: epochSeconds(live.token.expiresAt) };
  }

  /** Logout ends this token only, on every instance. */
  async logout(live: LiveAccessToken, meta: RequestMeta): Promise<void> {
    await this.kernel.tokens.end(live);
    await this.kernel.audit.record(meta, { accountId: live.account.id, level: 'info', module: MGMT_MODULE, message: `AUTH_MGMT_LOGOUT (${live.token.clientId})` });
  }
}
