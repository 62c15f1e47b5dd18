import type { Auditor, RequestMeta } from '../../kernel/audit.js';
import { GatehouseError, isGatehouseError } from '../../errors.js';
import type { LoginService } from '../../kernel/login.js';
import type { Store } from '../../kernel/ports.js';
import { accountRoles } from './roles.js';
import { MGMT_MODULE, type MgmtToken, type MgmtTokens } from './tokens.js';

export type PasswordGrant = 'client_credentials' | 'password';

const INVALID = 'invalid username or password';

/**
 * The client-credentials login's challenge on every 401 (RFC 6749 §5.2: a client that tried
 * Basic gets its scheme back); RFC 7617 §2.1: the credentials are UTF-8.
 */
export const BASIC_CHALLENGE = 'Basic realm="gatehouse", charset="UTF-8"';

/** No usable `Authorization: Basic` on the client-credentials login. */
export const noBasicCredentials = () => new GatehouseError('invalid_credentials', { message: INVALID, challenge: BASIC_CHALLENGE, logDetail: 'no Basic credentials' });

/**
 * The face's words for the shared login check's refusals. Unknown user, wrong or no password,
 * inactive account and open stipulations read alike (no account probing); a second factor is
 * named only after the password was right, because LoginService checks it last.
 */
function asMgmtRefusal(error: unknown, grant: PasswordGrant): unknown {
  if (!isGatehouseError(error)) return error;
  const logDetail = error.logDetail ?? error.code;
  if (error.code === 'totp_missing' || error.code === 'totp_failed') return new GatehouseError('forbidden', { message: 'two-factor authentication required', logDetail });
  if (error.status === 401) return new GatehouseError('invalid_credentials', { message: INVALID, logDetail, ...(grant === 'client_credentials' ? { challenge: BASIC_CHALLENGE } : {}) });
  return error;
}

/** The two password logins (RFC 6749 §4.4 with the user as the client, and §4.3). */
export class MgmtPasswordLogin {
  constructor(
    private readonly store: Store,
    private readonly auditor: Auditor,
    private readonly login: LoginService,
    private readonly tokens: MgmtTokens,
  ) {}

  async signIn(grant: PasswordGrant, username: string, password: string, meta: RequestMeta): Promise<MgmtToken> {
    let account;
    try {
      account = await this.login.assertLogin({ identifier: username, password }, meta, MGMT_MODULE);
    } catch (error) {
      const reason = isGatehouseError(error) ? (error.logDetail ?? error.code) : 'unexpected';
      await this.auditor.record(this.store.audit, meta, { accountId: null, level: 'warn', module: MGMT_MODULE, message: `AUTH_MGMT_LOGIN ${grant} failed: ${reason}`.slice(0, 1000) });
      throw asMgmtRefusal(error, grant);
    }
    const token = await this.tokens.issue(account, accountRoles(account), meta);
    await this.auditor.record(this.store.audit, meta, { accountId: account.id, level: 'info', module: MGMT_MODULE, message: `AUTH_MGMT_LOGIN ${grant}` });
    return { ...token, passwordWasNeverChanged: account.passwordChangedAt === null };
  }
}
