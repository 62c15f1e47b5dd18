import type { Kernel } from '../../kernel/index.js';
import type { AuditEntry, OutboxMessage } from '../../kernel/ports.js';
import type { ClientChanges, ClientView, NewClient } from '../../kernel/oauth2/client-admin.js';
import { adminContext, findAccount, pageOf, recordAdmin, type Operator, type PageRequest } from './context.js';

export interface SigningKeyView {
  kid: string;
  alg: string;
  signing: boolean;
}

export interface AuditSearch extends PageRequest {
  account?: string | undefined;
  module?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
}

/** Signing keys, the audit trail, the mail outbox and the OAuth2 client registry, for operators. */
export class AdminService {
  constructor(private readonly kernel: Kernel) {}

  async signingKeys(operator: Operator): Promise<SigningKeyView[]> {
    await recordAdmin(this.kernel, operator, 'Signing keys listed');
    return this.keyViews();
  }

  /** New keys sign from now on, on every instance; the old ones keep verifying until their tokens expire. */
  async rotateSigningKeys(operator: Operator): Promise<SigningKeyView[]> {
    const kids = await this.kernel.oauth2.keys.rotate();
    await recordAdmin(this.kernel, operator, `Signing keys rotated (${kids.join(', ')})`);
    return this.keyViews();
  }

  async audit(search: AuditSearch, operator: Operator): Promise<{ total: number; items: AuditEntry[]; offset: number; limit: number }> {
    const page = pageOf(search);
    const account = search.account ? await findAccount(this.kernel, search.account) : undefined;
    const found = await this.kernel.audit.search(
      { ...(account ? { accountId: account.id } : {}), ...(search.module ? { module: search.module } : {}), ...(search.since ? { since: search.since } : {}), ...(search.until ? { until: search.until } : {}) },
      page.offset,
      page.limit,
    );
    // Recorded after the read, so the query never finds itself.
    await recordAdmin(this.kernel, operator, `Audit trail queried (${found.items.length} of ${found.total})`);
    return { ...found, ...page };
  }

  async mail(search: PageRequest & { to?: string | undefined }, operator: Operator): Promise<{ total: number; items: OutboxMessage[]; offset: number; limit: number }> {
    const page = pageOf(search);
    const found = await this.kernel.outbox.list(search.to, page.offset, page.limit);
    await recordAdmin(this.kernel, operator, `Mail outbox read (${found.items.length} of ${found.total})`);
    return { ...found, ...page };
  }

  async oauth2Clients(operator: Operator): Promise<ClientView[]> {
    await recordAdmin(this.kernel, operator, 'OAuth2 clients listed');
    return this.kernel.clientAdmin.list();
  }

  /** The kernel records each change, naming the administrator. */
  createOauth2Client(input: NewClient, operator: Operator) {
    return this.kernel.clientAdmin.create(input, adminContext(operator));
  }

  updateOauth2Client(clientId: string, changes: ClientChanges, operator: Operator) {
    return this.kernel.clientAdmin.update(clientId, changes, adminContext(operator));
  }

  rotateOauth2ClientSecret(clientId: string, operator: Operator) {
    return this.kernel.clientAdmin.rotateSecret(clientId, adminContext(operator));
  }

  deleteOauth2Client(clientId: string, operator: Operator): Promise<void> {
    return this.kernel.clientAdmin.delete(clientId, adminContext(operator));
  }

  /** Newest first; the first key of each algorithm signs. */
  private async keyViews(): Promise<SigningKeyView[]> {
    const seen = new Set<string>();
    return (await this.kernel.oauth2.keys.keys()).map((key) => {
      const signing = !seen.has(key.alg);
      seen.add(key.alg);
      return { kid: key.kid, alg: key.alg, signing };
    });
  }
}
