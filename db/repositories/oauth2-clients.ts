import type { Knex } from 'knex';
import type { OAuth2ClientRepository, StoredOAuth2Client } from '../../core/kernel/ports.js';
import { toDate } from '../values.js';

interface DbClientRow {
  client_id: string;
  name: string;
  redirect_uris: string;
  scopes: string;
  secret_hash: string | null;
  public: unknown;
  oidc: unknown;
  id_token_alg: string;
  created_at: unknown;
  updated_at: unknown;
}

function toClient(row: DbClientRow): StoredOAuth2Client {
  return {
    id: row.client_id,
    name: row.name,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    scopes: JSON.parse(row.scopes) as string[],
    secretHash: row.secret_hash,
    public: Boolean(row.public),
    oidc: Boolean(row.oidc),
    idTokenSignedResponseAlg: row.id_token_alg as StoredOAuth2Client['idTokenSignedResponseAlg'],
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

/** OAuth2 clients registered through the admin face. */
export class KnexOAuth2ClientRepository implements OAuth2ClientRepository {
  constructor(private readonly db: Knex) {}

  async find(clientId: string): Promise<StoredOAuth2Client | undefined> {
    const row = (await this.db('oauth2_clients').where({ client_id: clientId }).first()) as DbClientRow | undefined;
    return row ? toClient(row) : undefined;
  }

  async list(): Promise<StoredOAuth2Client[]> {
    return ((await this.db('oauth2_clients').orderBy('client_id')) as DbClientRow[]).map(toClient);
  }

  /** A taken id is the unique key's violation, which the store reports as `conflict`. */
  async insert(client: StoredOAuth2Client): Promise<void> {
    await this.db('oauth2_clients').insert({
      client_id: client.id,
      name: client.name,
      redirect_uris: JSON.stringify(client.redirectUris),
      scopes: JSON.stringify(client.scopes),
      secret_hash: client.secretHash,
      public: client.public,
      oidc: client.oidc,
      id_token_alg: client.idTokenSignedResponseAlg,
      created_at: client.createdAt,
      updated_at: client.updatedAt,
    });
  }

  async update(clientId: string, changes: Partial<Pick<StoredOAuth2Client, 'name' | 'redirectUris' | 'scopes' | 'secretHash'>>, at: Date): Promise<boolean> {
    const columns = {
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.redirectUris !== undefined ? { redirect_uris: JSON.stringify(changes.redirectUris) } : {}),
      ...(changes.scopes !== undefined ? { scopes: JSON.stringify(changes.scopes) } : {}),
      ...(changes.secretHash !== undefined ? { secret_hash: changes.secretHash } : {}),
      updated_at: at,
    };
    return (await this.db('oauth2_clients').where({ client_id: clientId }).update(columns)) > 0;
  }

  /** The grants go first (their codes and tokens cascade), so nothing the client held outlives it. */
  async delete(clientId: string): Promise<boolean> {
    await this.db('oauth2_grants').where({ client_id: clientId }).delete();
    return (await this.db('oauth2_clients').where({ client_id: clientId }).delete()) > 0;
  }
}
