import { randomToken, sha256Hex } from '../../crypto.js';
import type { Clock } from '../../clock.js';
import { GatehouseError } from '../../errors.js';
import type { AdminContext } from '../account-admin.js';
import type { AuditTrail } from '../audit.js';
import type { OAuth2ClientRepository, StoredOAuth2Client } from '../ports.js';
import { ClientRegistry } from './clients.js';
import { SIGNING_ALGS, type SigningAlg } from './model.js';

export interface NewClient {
  id: string;
  name: string;
  redirectUris: string[];
  scopes: string[];
  public?: boolean;
  oidc?: boolean;
  idTokenSignedResponseAlg?: SigningAlg;
}

export type ClientChanges = Partial<Pick<NewClient, 'name' | 'redirectUris' | 'scopes'>>;

export interface ClientView {
  id: string;
  name: string;
  redirectUris: string[];
  scopes: string[];
  public: boolean;
  oidc: boolean;
  source: 'configuration' | 'database';
}

const CLIENT_ID = /^[\w.~-]{1,191}$/;
const bad = (message: string) => new GatehouseError('bad_request', { message });

/**
 * OAuth2 clients an operator registers at run time (the admin face), beside the configured ones,
 * which stay read-only. A secret is 256 random bits, shown once and kept as `sha256:<hex>` like a
 * configured one; rotating it ends the old one at once. Deleting a client deletes every grant it
 * held, so its codes and tokens stop working on every instance.
 */
export class OAuth2ClientAdministration {
  constructor(
    private readonly registry: ClientRegistry,
    private readonly repo: () => OAuth2ClientRepository,
    private readonly clock: Clock,
    private readonly audit: AuditTrail,
  ) {}

  async list(): Promise<ClientView[]> {
    const configured = this.registry.all().map((c) => ({ id: c.id, name: c.name, redirectUris: c.redirectUris, scopes: c.scopes, public: c.public, oidc: c.oidc, source: 'configuration' as const }));
    return [...configured, ...(await this.repo().list()).map(view)];
  }

  async create(input: NewClient, context: AdminContext): Promise<{ client: ClientView; secret: string | undefined }> {
    if (!CLIENT_ID.test(input.id)) throw bad('client_id may only hold letters, digits and . _ ~ - (at most 191)');
    if (this.registry.isConfigured(input.id)) throw new GatehouseError('conflict', { message: `client ${input.id} is configured` });
    const alg = input.idTokenSignedResponseAlg ?? 'RS256';
    if (!SIGNING_ALGS.includes(alg)) throw bad(`id_token_signed_response_alg must be ${SIGNING_ALGS.join(' or ')}`);
    const secret = input.public ? undefined : randomToken(32);
    const now = this.clock.now();
    const stored: StoredOAuth2Client = {
      id: input.id,
      name: checkName(input.name),
      redirectUris: checkRedirectUris(input.redirectUris),
      scopes: input.scopes.map((s) => s.toLowerCase()),
      secretHash: secret ? hashOf(secret) : null,
      public: input.public ?? false,
      oidc: input.oidc ?? false,
      idTokenSignedResponseAlg: alg,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.repo().insert(stored);
    } catch (error) {
      if ((error as GatehouseError).code === 'conflict') throw new GatehouseError('conflict', { message: `client ${input.id} exists`, cause: error });
      throw error;
    }
    await this.record(context, `OAuth2 client ${input.id} registered`);
    return { client: view(stored), secret };
  }

  async update(clientId: string, changes: ClientChanges, context: AdminContext): Promise<ClientView> {
    await this.stored(clientId);
    await this.repo().update(
      clientId,
      {
        ...(changes.name !== undefined ? { name: checkName(changes.name) } : {}),
        ...(changes.redirectUris !== undefined ? { redirectUris: checkRedirectUris(changes.redirectUris) } : {}),
        ...(changes.scopes !== undefined ? { scopes: changes.scopes.map((s) => s.toLowerCase()) } : {}),
      },
      this.clock.now(),
    );
    await this.record(context, `OAuth2 client ${clientId} updated (${Object.keys(changes).sort().join(', ')})`);
    return view(await this.stored(clientId));
  }

  async rotateSecret(clientId: string, context: AdminContext): Promise<{ client: ClientView; secret: string }> {
    const client = await this.stored(clientId);
    if (client.public) throw bad('a public client has no secret');
    const secret = randomToken(32);
    await this.repo().update(clientId, { secretHash: hashOf(secret) }, this.clock.now());
    await this.record(context, `OAuth2 client ${clientId} secret rotated`);
    return { client: view(client), secret };
  }

  async delete(clientId: string, context: AdminContext): Promise<void> {
    await this.stored(clientId);
    await this.repo().delete(clientId);
    await this.record(context, `OAuth2 client ${clientId} deleted with its grants`);
  }

  /** A registered client, or why not (a configured one is read-only here). */
  private async stored(clientId: string): Promise<StoredOAuth2Client> {
    if (this.registry.isConfigured(clientId)) throw new GatehouseError('conflict', { message: `client ${clientId} is configured (GATEHOUSE_OAUTH2_CLIENTS) and read-only here` });
    const client = await this.repo().find(clientId);
    if (!client) throw new GatehouseError('not_found', { message: `no client ${clientId}` });
    return client;
  }

  private record(context: AdminContext, message: string): Promise<void> {
    return this.audit.record(context.meta, { accountId: null, level: 'warn', module: context.module, message: context.by ? `${message} by ${context.by.username}` : message });
  }
}

function view(c: StoredOAuth2Client): ClientView {
  return { id: c.id, name: c.name, redirectUris: c.redirectUris, scopes: c.scopes, public: c.public, oidc: c.oidc, source: 'database' };
}

const hashOf = (secret: string) => `sha256:${sha256Hex(secret)}`;

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 191) throw bad('name must be 1 to 191 characters');
  return trimmed;
}

/** RFC 6749 §3.1.2: absolute, without a fragment, matched exactly later (no wildcard: open redirector). */
function checkRedirectUris(uris: string[]): string[] {
  if (uris.length === 0) throw bad('at least one redirect URI is required');
  for (const uri of uris) if (!URL.canParse(uri) || uri.includes('#')) throw bad(`not an absolute URI without fragment: ${uri}`);
  return uris;
}
