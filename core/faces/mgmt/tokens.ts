import type { Auditor, RequestMeta } from '../../kernel/audit.js';
import { epochSeconds, type Clock } from '../../clock.js';
import type { Account } from '../../kernel/model.js';
import { firstPartyClientId, isFirstPartyClientId, type LiveAccessToken } from '../../kernel/oauth2/first-party.js';
import type { OAuth2Service } from '../../kernel/oauth2/service.js';
import type { Store } from '../../kernel/ports.js';
import { accountRoles } from './roles.js';

export const MGMT_MODULE = 'auth:mgmt';
const MGMT_CLIENT_ID = firstPartyClientId('mgmt');

/** What every mgmt login answers (the contract's `Token`). */
export interface MgmtToken {
  accessToken: string;
  expiresIn: number;
  roles: string[];
  userId: number;
  /** only for password logins */
  passwordWasNeverChanged?: boolean;
}

export interface TokenInfo {
  username: string;
  roles: string[];
  /** Unix time, seconds */
  expiry: number;
}

/** Issuing, describing and revoking the mgmt face's bearer tokens (access tokens of the `gatehouse:mgmt` client). */
export class MgmtTokens {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
    private readonly oauth2: OAuth2Service,
  ) {}

  async issue(account: Account, roles: string[], meta: RequestMeta): Promise<MgmtToken> {
    const token = await this.oauth2.issueFirstPartyToken('mgmt', account, meta, roles);
    return { accessToken: token.accessToken, expiresIn: token.expiresIn, roles, userId: account.id };
  }

  /** A token from another face was issued without roles: its account's current roles stand in. */
  describe(live: LiveAccessToken): TokenInfo {
    const roles = live.token.clientId === MGMT_CLIENT_ID ? [...live.token.scopes].sort() : accountRoles(live.account);
    return { username: live.account.username, roles, expiry: epochSeconds(live.token.expiresAt) };
  }

  /**
   * Logout ends this token only. A first-party token is alone in its grant, so the grant goes
   * (every revocation check reads it); a third-party client's access token shares its grant with
   * that client's refresh token, which is not this token: it is revoked alone (RFC 7009 §2.1).
   */
  async logout(live: LiveAccessToken, meta: RequestMeta): Promise<void> {
    const now = this.clock.now();
    if (isFirstPartyClientId(live.token.clientId)) await this.store.oauth2.revokeGrant(live.token.grantId, now);
    else await this.store.oauth2.revokeToken(live.token.id, now);
    await this.auditor.record(this.store.audit, meta, { accountId: live.account.id, level: 'info', module: MGMT_MODULE, message: `AUTH_MGMT_LOGOUT (${live.token.clientId})` });
  }
}
