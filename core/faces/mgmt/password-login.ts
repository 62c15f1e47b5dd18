import type { RequestMeta } from '../../kernel/audit.js';
import { GatehouseError } from '../../errors.js';
import type { Kernel } from '../../kernel/index.js';
import type { LoginOutcome } from '../../kernel/login.js';
import { accountRoles } from './roles.js';
import { MGMT_MODULE, signIn, type MgmtSignedIn } from './tokens.js';

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
 * The face's words for a refused login. Unknown user, wrong or no password, inactive account and
 * open stipulations read alike (no account probing); a second factor is named only after the
 * password was right, because the kernel asks for it last.
 */
function refusal(outcome: Exclude<LoginOutcome, { kind: 'signed-in' }>, grant: PasswordGrant): GatehouseError {
  if (outcome.kind === 'second-factor-required') return new GatehouseError('forbidden', { message: 'two-factor authentication required', logDetail: 'second factor required' });
  if (outcome.reason === 'throttled') return new GatehouseError('throttled', { logDetail: outcome.detail, ...(outcome.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: outcome.retryAfterSeconds }) });
  if (outcome.reason === 'second-factor-failed') return new GatehouseError('forbidden', { message: 'two-factor authentication required', logDetail: outcome.detail });
  return new GatehouseError('invalid_credentials', { message: INVALID, logDetail: outcome.detail, ...(grant === 'client_credentials' ? { challenge: BASIC_CHALLENGE } : {}) });
}

/** The two password logins (RFC 6749 §4.4 with the user as the client, and §4.3). */
export class MgmtPasswordLogin {
  constructor(private readonly kernel: Kernel) {}

  async signIn(grant: PasswordGrant, username: string, password: string, meta: RequestMeta): Promise<MgmtSignedIn> {
    const outcome = await this.kernel.login.attempt({ identifier: username, password }, { module: MGMT_MODULE, meta, succeeded: `AUTH_MGMT_LOGIN ${grant}`, failed: (detail) => `AUTH_MGMT_LOGIN ${grant} failed: ${detail}` });
    if (outcome.kind !== 'signed-in') throw refusal(outcome, grant);
    const { account } = outcome;
    const signedIn = await signIn(this.kernel, account, accountRoles(account), meta);
    return { ...signedIn, passwordWasNeverChanged: account.passwordChangedAt === null };
  }
}
