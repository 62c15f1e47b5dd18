import { GatehouseError } from '../../errors.js';
import type { FaceDeps } from '../../kernel/face.js';
import type { PresentedCredentials } from '../../kernel/presented.js';
import type { Principal } from '../../kernel/principal.js';
import { API_KEY_PREFIX } from '../../kernel/api-keys.js';
import { AdminAccounts } from './accounts.js';
import { AdminDirectory } from './directory.js';
import { AdminService } from './service.js';

export interface AdminRules {
  accounts: AdminAccounts;
  directory: AdminDirectory;
  service: AdminService;
  /**
   * The administrator behind `Authorization: Bearer`: a first-party access token, or an API token
   * (`ghk_…`). Administrator rights are read from the account at every request.
   */
  authenticate(credentials: PresentedCredentials): Promise<Principal>;
}

/** The operator's API over the kernel: accounts, directory, keys, audit, outbox, clients. */
export function createAdminRules({ kernel }: FaceDeps<object, object>): AdminRules {
  return {
    accounts: new AdminAccounts(kernel),
    directory: new AdminDirectory(kernel),
    service: new AdminService(kernel),
    async authenticate(credentials) {
      const bearer = credentials.bearer;
      const principal = bearer?.startsWith(API_KEY_PREFIX) ? await kernel.principals.fromApiKey(bearer) : await kernel.principals.fromBearer(bearer);
      if (!principal) throw new GatehouseError('unauthenticated', { challenge: 'Bearer', logDetail: bearer ? 'token unknown, revoked, expired or inactive' : 'no bearer token' });
      if (!(await kernel.accounts.isAdministrator(principal.account))) throw new GatehouseError('forbidden', { message: 'administrator rights required' });
      return { ...principal, admin: true };
    },
  };
}
