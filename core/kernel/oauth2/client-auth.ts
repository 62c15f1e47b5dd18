import { GatehouseError } from '../../errors.js';
import type { BasicCredentials } from '../presented.js';
import type { GuessBudget } from '../guess-budget.js';
import { ClientRegistry, type OAuth2Client } from './clients.js';

/** What a request offers to authenticate the client (RFC 6749 §2.3.1). */
export interface ClientCredentials {
  /** `Authorization: Basic`, as the server decoded it */
  basic?: BasicCredentials | 'malformed' | undefined;
  /** body fields */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
}

const CHALLENGE = 'Basic realm="gatehouse"';

/** RFC 6749 §5.2 `invalid_client`, 401; with a Basic challenge when Basic was tried. */
export function invalidClient(basic: boolean, logDetail: string): GatehouseError {
  return new GatehouseError('invalid_client', { reason: 'invalid_client', logDetail, ...(basic ? { challenge: CHALLENGE } : {}) });
}

/** `Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 §2.3.1 form-encodes both parts). */
export function clientFromBasic(basic: BasicCredentials): { id: string; secret: string } | undefined {
  try {
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: decode(basic.user), secret: decode(basic.password) };
  } catch {
    return undefined;
  }
}

/**
 * Authenticates the calling client: HTTP Basic or body credentials, never both (RFC 6749 §2.3:
 * one method per request); public clients present only their id. Unknown client, wrong secret and
 * missing secret all answer the same `invalid_client`, so client ids cannot be probed.
 */
export async function authenticateClient(registry: ClientRegistry, credentials: ClientCredentials, options: { allowPublic: boolean; guesses: GuessBudget; ip: string | null }): Promise<OAuth2Client> {
  const hasBasic = credentials.basic !== undefined;
  const basic = credentials.basic && credentials.basic !== 'malformed' ? clientFromBasic(credentials.basic) : undefined;
  if (hasBasic && !basic) throw invalidClient(true, 'malformed Basic credentials');
  if (basic && credentials.clientSecret !== undefined) throw invalidClient(true, 'both Basic and body credentials');
  if (basic && credentials.clientId !== undefined && credentials.clientId !== basic.id) throw invalidClient(true, 'body client_id differs from Basic');
  const id = basic?.id ?? credentials.clientId;
  const secret = basic?.secret ?? credentials.clientSecret;
  if (!id) throw invalidClient(hasBasic, 'no client_id');
  const client = await registry.find(id);
  if (client?.public) {
    if (secret) throw invalidClient(hasBasic, `public client ${id} sent a secret`);
    if (!options.allowPublic) throw invalidClient(hasBasic, `public client ${id} cannot use this endpoint`);
    return client;
  }
  if (!secret) throw invalidClient(hasBasic, client ? `missing secret for ${id}` : `unknown client ${id}`);
  // RFC 6749 §2.3.1: protect client secrets against guessing. The guess is reserved before the
  // secret is compared (in one step with it where the store can), per client id (known or not,
  // alike) and per address.
  const right = await options.guesses.checkOrThrow({ client: id }, options.ip, () => client !== undefined && ClientRegistry.secretMatches(client, secret), 'bad_client_secret');
  if (!right || !client) throw invalidClient(hasBasic, client ? `wrong secret for ${id}` : `unknown client ${id}`);
  return client;
}
