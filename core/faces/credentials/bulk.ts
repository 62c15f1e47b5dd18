import { credentialErrors } from './errors.js';
import type { CredentialIssuer } from './issuer.js';
import type { CredentialFamily, CredentialRecord } from './ports.js';

/** F5's `bulkrevoke_choice`: exactly one selector. */
export interface BulkSelector {
  name_selector?: { names: string[] } | undefined;
  expired_selector?: { all?: unknown; credential_type?: string } | undefined;
}

export interface BulkRevokeResult {
  marked: string[];
  failed: string[];
  errorMessage: string;
}

const BULK_NAMESPACE = 'system';

/**
 * Revokes what the selector names, one conditional DELETE each, and reports partial success: a
 * name that does not exist, or that the caller may not touch, is "not found" (no 403, so other
 * accounts' names are not confirmed).
 */
export async function bulkRevoke(
  issuer: CredentialIssuer,
  options: {
    family: CredentialFamily;
    selector: BulkSelector;
    /** restricts the expired selector to one account's credentials */
    ownerFilter: number | undefined;
    mayRevoke: (credential: CredentialRecord) => boolean;
    revoke: (credential: CredentialRecord) => Promise<boolean>;
  },
): Promise<BulkRevokeResult> {
  const { selector } = options;
  const byName = selector.name_selector !== undefined;
  const byExpiry = selector.expired_selector !== undefined;
  if (byName === byExpiry) throw credentialErrors.invalid('VALIDATION_FAILED', 'bulkrevoke_choice', 'exactly one of name_selector and expired_selector must be set');
  const repo = issuer.deps.credentials;
  const marked: string[] = [];
  const failed: string[] = [];
  if (byName) {
    for (const name of selector.name_selector!.names) {
      const credential = await repo.findByName(BULK_NAMESPACE, options.family, name);
      if (credential && options.mayRevoke(credential) && (await options.revoke(credential))) marked.push(name);
      else failed.push(name);
    }
  } else {
    const expired = selector.expired_selector!;
    const filter = { ...(expired.credential_type !== undefined ? { type: expired.credential_type } : {}), ...(options.ownerFilter !== undefined ? { accountId: options.ownerFilter } : {}) };
    for (const credential of await repo.listExpired(BULK_NAMESPACE, options.family, issuer.deps.kernel.clock.now(), filter)) {
      // One revoked concurrently by someone else is simply gone: nothing to report.
      if (await options.revoke(credential)) marked.push(credential.name);
    }
  }
  const errorMessage = failed.length ? `${failed.length} credential${failed.length === 1 ? '' : 's'} not found: ${failed.join(', ')}` : '';
  return { marked, failed, errorMessage };
}
