import type { Knex } from 'knex';
import type {
  NewOidcLoginFlow,
  OidcLoginFlow,
  OidcProviderRecord,
  OidcRepository,
  SetupRepository,
  SetupState,
} from '../../core/faces/platform/ports.js';
import { toBool, toDate, toDateOrNull } from '../values.js';

const SETUP_ROW = { id: 1 };

interface DbSetupRow {
  completed_at: unknown;
  bootstrap_token_hash: string | null;
  bootstrap_expires_at: unknown;
}

interface DbOidcProviderRow {
  enabled: unknown;
  issuer_url: string | null;
  jwks_url: string | null;
  audience: string | null;
  client_id: string | null;
  client_secret_sealed: string | null;
  scopes: string | null;
  updated_at: unknown;
}

interface DbOidcFlowRow {
  id: number;
  state_hash: string;
  browser_hash: string;
  nonce: string;
  code_verifier_sealed: string;
  continue_url: string;
  expires_at: unknown;
  used_at: unknown;
}

export class KnexSetupRepository implements SetupRepository {
  constructor(private readonly db: Knex) {}

  async get(): Promise<SetupState> {
    const row = await this.db<DbSetupRow>('setup_state').where(SETUP_ROW).first();
    return {
      completedAt: toDateOrNull(row?.completed_at),
      bootstrapExpiresAt: toDateOrNull(row?.bootstrap_expires_at),
      hasBootstrapToken: Boolean(row?.bootstrap_token_hash),
    };
  }

  async storeBootstrapToken(tokenHash: string, expiresAt: Date): Promise<void> {
    await this.db('setup_state').where(SETUP_ROW).update({ bootstrap_token_hash: tokenHash, bootstrap_expires_at: expiresAt });
  }

  async consumeBootstrapToken(tokenHash: string, now: Date): Promise<boolean> {
    const changed = await this.db('setup_state')
      .where({ ...SETUP_ROW, bootstrap_token_hash: tokenHash })
      .andWhere('bootstrap_expires_at', '>', now)
      .update({ bootstrap_token_hash: null, bootstrap_expires_at: null });
    return changed === 1;
  }

  async claimFirstSetup(at: Date): Promise<boolean> {
    const changed = await this.db('setup_state').where(SETUP_ROW).whereNull('completed_at').update({ completed_at: at });
    return changed === 1;
  }

  async releaseFirstSetup(): Promise<void> {
    await this.db('setup_state').where(SETUP_ROW).whereNull('completed_by').update({ completed_at: null });
  }

  async markCompleted(accountId: number, at: Date): Promise<void> {
    await this.db('setup_state').where(SETUP_ROW).update({ completed_at: at, completed_by: accountId });
  }
}

export class KnexOidcRepository implements OidcRepository {
  constructor(private readonly db: Knex) {}

  async getProvider(): Promise<OidcProviderRecord | undefined> {
    const row = await this.db<DbOidcProviderRow>('oidc_provider').where(SETUP_ROW).first();
    if (!row) return undefined;
    return {
      enabled: toBool(row.enabled),
      issuerUrl: row.issuer_url ?? null,
      jwksUrl: row.jwks_url ?? null,
      audience: row.audience ?? null,
      clientId: row.client_id ?? null,
      clientSecretSealed: row.client_secret_sealed ?? null,
      scopes: row.scopes ?? null,
      updatedAt: toDate(row.updated_at),
    };
  }

  async putProvider(record: OidcProviderRecord): Promise<void> {
    const columns = {
      enabled: record.enabled,
      issuer_url: record.issuerUrl,
      jwks_url: record.jwksUrl,
      audience: record.audience,
      client_id: record.clientId,
      client_secret_sealed: record.clientSecretSealed,
      scopes: record.scopes,
      updated_at: record.updatedAt,
    };
    // Portable upsert (MySQL ON DUPLICATE KEY / SQLite ON CONFLICT) of the single row.
    await this.db('oidc_provider').insert({ ...SETUP_ROW, ...columns }).onConflict('id').merge(columns);
  }

  async insertFlow(flow: NewOidcLoginFlow): Promise<void> {
    await this.db('oidc_login_flows').insert({
      state_hash: flow.stateHash,
      browser_hash: flow.browserHash,
      nonce: flow.nonce,
      code_verifier_sealed: flow.codeVerifierSealed,
      continue_url: flow.continueUrl,
      created_at: flow.at,
      expires_at: flow.expiresAt,
    });
  }

  async findFlow(stateHash: string): Promise<OidcLoginFlow | undefined> {
    const row = await this.db<DbOidcFlowRow>('oidc_login_flows').where({ state_hash: stateHash }).first();
    if (!row) return undefined;
    return {
      id: Number(row.id),
      browserHash: row.browser_hash,
      nonce: row.nonce,
      codeVerifierSealed: row.code_verifier_sealed,
      continueUrl: row.continue_url,
      expiresAt: toDate(row.expires_at),
      usedAt: toDateOrNull(row.used_at),
    };
  }

  async consumeFlow(id: number, at: Date): Promise<boolean> {
    return (await this.db('oidc_login_flows').where({ id }).whereNull('used_at').update({ used_at: at })) === 1;
  }
}
