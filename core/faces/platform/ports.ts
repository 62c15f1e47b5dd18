/** Storage the platform face's rules need; db/repositories/platform.ts implements it over Knex. */

export interface SetupState {
  completedAt: Date | null;
  bootstrapExpiresAt: Date | null;
  hasBootstrapToken: boolean;
}

export interface SetupRepository {
  get(): Promise<SetupState>;
  /** replaces any earlier bootstrap token (only one exists at a time) */
  storeBootstrapToken(tokenHash: string, expiresAt: Date): Promise<void>;
  /**
   * `UPDATE … SET bootstrap_token_hash = NULL WHERE bootstrap_token_hash = ? AND expires > now`:
   * true for exactly one caller, so a token works once even under concurrent presentations.
   */
  consumeBootstrapToken(tokenHash: string, now: Date): Promise<boolean>;
  /** `UPDATE … SET completed_at = ? WHERE completed_at IS NULL`: true for the first caller only */
  claimFirstSetup(at: Date): Promise<boolean>;
  /** undoes claimFirstSetup when the first bootstrap failed before creating its account */
  releaseFirstSetup(): Promise<void>;
  markCompleted(accountId: number, at: Date): Promise<void>;
}

export interface OidcProviderRecord {
  enabled: boolean;
  issuerUrl: string | null;
  jwksUrl: string | null;
  audience: string | null;
  clientId: string | null;
  clientSecretSealed: string | null;
  scopes: string | null;
  updatedAt: Date;
}

export interface OidcLoginFlow {
  id: number;
  browserHash: string;
  nonce: string;
  codeVerifierSealed: string;
  continueUrl: string;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface NewOidcLoginFlow {
  stateHash: string;
  browserHash: string;
  nonce: string;
  codeVerifierSealed: string;
  continueUrl: string;
  at: Date;
  expiresAt: Date;
}

export interface OidcRepository {
  getProvider(): Promise<OidcProviderRecord | undefined>;
  /** full replace of the one provider row (insert or update) */
  putProvider(record: OidcProviderRecord): Promise<void>;
  insertFlow(flow: NewOidcLoginFlow): Promise<void>;
  findFlow(stateHash: string): Promise<OidcLoginFlow | undefined>;
  /** `UPDATE … SET used_at = ? WHERE id = ? AND used_at IS NULL`: false when already used */
  consumeFlow(id: number, at: Date): Promise<boolean>;
}

export interface CounterRepository {
  /** adds n in one statement; parallel increments from any instance all count (no shared hot row) */
  increment(name: string, by?: number): Promise<void>;
  read(names: readonly string[]): Promise<Record<string, number>>;
}
