import type { Knex } from 'knex';
import type { Account } from '../../core/kernel/model.js';
import { PreparedLookup } from '../prepared.js';
import { accountFromPrefixed, prefixedAccountColumns } from './accounts.js';
import type { GrantOrigin, NewOAuth2Token, OAuth2Grant, OAuth2Token, OAuth2TokenType } from '../../core/kernel/oauth2/model.js';
import type { OAuth2Repository } from '../../core/kernel/ports.js';
import { toDate, toDateOrNull } from '../values.js';

interface DbGrantRow {
  id: number;
  account_id: number;
  client_id: string;
  scope: string;
  origin: string;
  created_at: unknown;
  revoked_at: unknown;
}

interface DbTokenRow {
  id: number;
  grant_id: number;
  type: string;
  token_hash: string;
  account_id: number;
  client_id: string;
  scope: string;
  created_at: unknown;
  expires_at: unknown;
  used_at: unknown;
  revoked_at: unknown;
  grant_revoked_at: unknown;
  grant_auth_time?: unknown;
  grant_claims?: string | null;
  redirect_uri: string | null;
  code_challenge: string | null;
  nonce: string | null;
  jti: string | null;
}

const scopes = (s: string) => s.split(' ').filter(Boolean);

function toGrant(row: DbGrantRow): OAuth2Grant {
  return {
    id: Number(row.id),
    accountId: Number(row.account_id),
    clientId: row.client_id,
    scopes: scopes(row.scope),
    origin: row.origin as GrantOrigin,
    createdAt: toDate(row.created_at),
    revokedAt: toDateOrNull(row.revoked_at),
  };
}

function toToken(row: DbTokenRow): OAuth2Token {
  return {
    id: Number(row.id),
    grantId: Number(row.grant_id),
    type: row.type as OAuth2TokenType,
    tokenHash: row.token_hash,
    accountId: Number(row.account_id),
    clientId: row.client_id,
    scopes: scopes(row.scope),
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
    usedAt: toDateOrNull(row.used_at),
    revokedAt: toDateOrNull(row.revoked_at),
    grantRevokedAt: toDateOrNull(row.grant_revoked_at),
    grantAuthTime: toDateOrNull(row.grant_auth_time),
    grantClaims: row.grant_claims ? (JSON.parse(row.grant_claims) as Record<string, unknown>) : null,
    redirectUri: row.redirect_uri,
    codeChallenge: row.code_challenge,
    nonce: row.nonce,
    jti: row.jti,
  };
}

/** Tokens joined with their grant's revocation, so one read answers "is this family alive". */
function tokensWithGrant(db: Knex) {
  return db<DbTokenRow>('oauth2_tokens as t')
    .join('oauth2_grants as g', 'g.id', 't.grant_id')
    .select('t.*', 'g.revoked_at as grant_revoked_at', 'g.auth_time as grant_auth_time', 'g.claims as grant_claims');
}

export class KnexOAuth2Repository implements OAuth2Repository {
  constructor(private readonly db: Knex) {}

  readonly #byHash = new Map<OAuth2TokenType, PreparedLookup>();
  readonly #withAccountByHash = new Map<OAuth2TokenType, PreparedLookup>();

  private tokens() {
    return tokensWithGrant(this.db);
  }

  async insertGrant(grant: { accountId: number; clientId: string; scopes: string[]; origin: GrantOrigin; at: Date; authTime?: Date | null; claims?: Readonly<Record<string, unknown>> | null }): Promise<OAuth2Grant> {
    const row = { account_id: grant.accountId, client_id: grant.clientId, scope: grant.scopes.join(' '), origin: grant.origin, created_at: grant.at, revoked_at: null, auth_time: grant.authTime ?? null, claims: grant.claims ? JSON.stringify(grant.claims) : null };
    const [id] = await this.db('oauth2_grants').insert(row);
    return toGrant({ ...row, id: Number(id) });
  }

  /** One INSERT; the row is built from what was written and the id it got (no read back). */
  async insertToken(token: NewOAuth2Token): Promise<OAuth2Token> {
    const row = {
      grant_id: token.grantId,
      type: token.type,
      token_hash: token.tokenHash,
      account_id: token.accountId,
      client_id: token.clientId,
      scope: token.scopes.join(' '),
      created_at: token.at,
      expires_at: token.expiresAt,
      used_at: null,
      revoked_at: null,
      redirect_uri: token.redirectUri ?? null,
      code_challenge: token.codeChallenge ?? null,
      nonce: token.nonce ?? null,
      jti: token.jti ?? null,
    };
    const [id] = await this.db('oauth2_tokens').insert(row);
    // A token is inserted into a live grant (just created, or the one being rotated in this transaction).
    return toToken({ ...row, id: Number(id), grant_revoked_at: null } as DbTokenRow);
  }

  /** Every bearer check and introspection reads a token here: a prepared statement per token type. */
  async findToken(type: OAuth2TokenType, tokenHash: string): Promise<OAuth2Token | undefined> {
    let lookup = this.#byHash.get(type);
    if (!lookup) this.#byHash.set(type, (lookup = new PreparedLookup(this.db, (db, hash) => tokensWithGrant(db).where({ 't.type': type, 't.token_hash': hash }))));
    const row = await lookup.first(tokenHash);
    return row ? toToken(row as unknown as DbTokenRow) : undefined;
  }

  /**
   * The token and its account in one prepared, joined read: a bearer check and an introspection
   * need both, and a second round trip cost as much as the first.
   */
  async findTokenWithAccount(type: OAuth2TokenType, tokenHash: string): Promise<{ token: OAuth2Token; account: Account } | undefined> {
    let lookup = this.#withAccountByHash.get(type);
    if (!lookup) {
      const build = (db: Knex, hash: string) => tokensWithGrant(db).join('accounts as a', 'a.id', 't.account_id').select(...prefixedAccountColumns(db, 'a')).where({ 't.type': type, 't.token_hash': hash });
      this.#withAccountByHash.set(type, (lookup = new PreparedLookup(this.db, build)));
    }
    const row = await lookup.first(tokenHash);
    return row ? { token: toToken(row as unknown as DbTokenRow), account: accountFromPrefixed(row) } : undefined;
  }

  async consume(id: number, at: Date): Promise<boolean> {
    // Single use: of two concurrent redemptions exactly one changes the row (on any instance).
    const changed = await this.db('oauth2_tokens').where({ id }).whereNull('used_at').whereNull('revoked_at').update({ used_at: at });
    return changed === 1;
  }

  async revokeGrant(grantId: number, at: Date): Promise<number> {
    await this.db('oauth2_grants').where({ id: grantId }).whereNull('revoked_at').update({ revoked_at: at });
    return this.db('oauth2_tokens').where({ grant_id: grantId }).whereNull('revoked_at').update({ revoked_at: at });
  }

  async revokeGrantsFor(accountId: number, clientId: string | undefined, at: Date, exceptGrantId?: number): Promise<number> {
    const scope = clientId === undefined ? { account_id: accountId } : { account_id: accountId, client_id: clientId };
    const grants = this.db('oauth2_grants').where(scope).whereNull('revoked_at');
    if (exceptGrantId !== undefined) grants.andWhereNot({ id: exceptGrantId });
    await grants.update({ revoked_at: at });
    const tokens = this.db('oauth2_tokens').where(scope).whereNull('revoked_at');
    if (exceptGrantId !== undefined) tokens.andWhereNot({ grant_id: exceptGrantId });
    return tokens.update({ revoked_at: at });
  }

  async revokeToken(id: number, at: Date): Promise<boolean> {
    return (await this.db('oauth2_tokens').where({ id }).whereNull('revoked_at').update({ revoked_at: at })) === 1;
  }

  async revokeAccessTokensOfGrant(grantId: number, at: Date, exceptId: number): Promise<number> {
    return this.db('oauth2_tokens').where({ grant_id: grantId, type: 'access_token' }).whereNot({ id: exceptId }).whereNull('revoked_at').update({ revoked_at: at });
  }

  async moveToGrant(tokenId: number, grantId: number): Promise<void> {
    await this.db('oauth2_tokens').where({ id: tokenId }).update({ grant_id: grantId });
  }

  async listLive(accountId: number, now: Date, clientId?: string): Promise<OAuth2Token[]> {
    const query = this.tokens()
      .where('t.account_id', accountId)
      .where('t.expires_at', '>', now)
      .whereNull('t.used_at')
      .whereNull('t.revoked_at')
      .whereNull('g.revoked_at')
      .orderBy('t.id');
    if (clientId !== undefined) query.andWhere('t.client_id', clientId);
    return (await query).map((row) => toToken(row as DbTokenRow));
  }
}
