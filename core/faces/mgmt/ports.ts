/** Storage the mgmt face's own rules need; db/repositories/id-token-uses.ts implements it. */

export interface IdTokenUseRepository {
  /**
   * Records that the upstream ID token with this key was exchanged: an INSERT on the unique key,
   * true for exactly one presentation even when several instances race (false: a replay).
   */
  claim(tokenKey: string, expiresAt: Date, at: Date): Promise<boolean>;
  /** forgets uses of tokens that expired before `before` (they cannot be presented again) */
  prune(before: Date): Promise<void>;
}
/** The mgmt face's own tables. */
export interface MgmtStore {
  idTokenUses: IdTokenUseRepository;
}
