import { GatehouseError } from '../../errors.js';
import type { RequestMeta } from '../../kernel/audit.js';
import type { FaceDeps } from '../../kernel/face.js';
import type { Principal } from '../../kernel/principal.js';
import { resourceTypes, schemas, serviceProviderConfig } from './discovery.js';
import { ScimGroups } from './groups.js';
import { ScimUsers } from './users.js';

export interface ScimSettings {
  /** the public base URL (`meta.location` is absolute, RFC 7643 §3.1) */
  publicUrl: string;
}

/** The only credential this face accepts. */
const SCIM_TOKEN_TYPES = ['SCIM_API_TOKEN'] as const;

export interface ScimRules {
  users: ScimUsers;
  groups: ScimGroups;
  serviceProviderConfig(): ReturnType<typeof serviceProviderConfig>;
  resourceTypes(): ReturnType<typeof resourceTypes>;
  schemas(): ReturnType<typeof schemas>;
  /**
   * The caller behind a presented SCIM token, acting as the administrator who made it. A guess is
   * reserved against the client address before the token is looked up, like every other secret.
   */
  authenticate(token: string | undefined, meta: RequestMeta): Promise<Principal>;
}

/** SCIM 2.0 provisioning (RFC 7643, RFC 7644) over the kernel's accounts and directory. */
export function createScimRules({ kernel, settings }: FaceDeps<object, ScimSettings>): ScimRules {
  const baseUrl = `${settings.publicUrl.replace(/\/$/, '')}/scim/v2`;
  return {
    users: new ScimUsers(kernel, baseUrl),
    groups: new ScimGroups(kernel, baseUrl),
    serviceProviderConfig: () => serviceProviderConfig(baseUrl, `${settings.publicUrl.replace(/\/$/, '')}/docs`),
    resourceTypes: () => resourceTypes(baseUrl),
    schemas: () => schemas(baseUrl),
    async authenticate(token, meta) {
      const refused = (detail: string) => new GatehouseError('unauthenticated', { challenge: 'Bearer', logDetail: detail });
      if (!token) throw refused('no bearer token');
      const guess = await kernel.guesses.reserveAddressOrThrow(meta.ip);
      const principal = await kernel.principals.fromApiKey(token, SCIM_TOKEN_TYPES);
      if (!principal) {
        await guess.failed('unknown_scim_token');
        throw refused('SCIM token unknown, revoked, expired, or its account inactive');
      }
      await guess.succeeded();
      return principal;
    },
  };
}
