import type { RequestMeta } from '../../kernel/audit.js';
import { GatehouseError } from '../../errors.js';
import type { Kernel } from '../../kernel/index.js';
import type { Account } from '../../kernel/model.js';
import type { OidcProviderRecord, OidcRepository } from './ports.js';

export const DEFAULT_SCOPES = 'openid profile email';
/** AES-GCM associated data: a sealed secret copied into another column does not open there. */
export const CLIENT_SECRET_CONTEXT = 'oidc-provider:client-secret';

export interface ProviderInput {
  enabled: boolean;
  issuer_url?: string | null | undefined;
  jwks_url?: string | null | undefined;
  audience?: string | null | undefined;
  client_id?: string | null | undefined;
  client_secret?: string | null | undefined;
  scopes?: string | null | undefined;
}


/** The provider as the login flow needs it: secret opened, defaults applied. */
export interface ActiveProvider {
  issuerUrl: string;
  jwksUrl: string | null;
  audience: string | null;
  clientId: string;
  clientSecret: string | null;
  scopes: string;
  updatedAt: Date;
}

const bad = (message: string) => new GatehouseError('bad_request', { message });
const unset = (value: string | null | undefined) => value?.trim() || null;

/** `https`, or `http` only on loopback (a test or a sidecar issuer), as RFC 8252 §8.3 allows. */
function checkUrl(value: string | null, field: string): void {
  if (value === null) return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad(`invalid ${field}`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw bad(`invalid ${field}`);
}

function withOpenid(scopes: string | null): string {
  const list = (scopes ?? DEFAULT_SCOPES).split(/\s+/).filter(Boolean);
  return (list.includes('openid') ? list : ['openid', ...list]).join(' ');
}

/** The web UI's upstream OpenID provider: one row, replaced whole by every PUT. */
export class OidcProviderService {
  constructor(
    private readonly kernel: Kernel,
    private readonly oidc: OidcRepository,
  ) {}

  /** The configured provider, if any (its sealed secret stays sealed). */
  current(): Promise<OidcProviderRecord | undefined> {
    return this.oidc.getProvider();
  }

  /** Full replace, as documented: a field left out is unset, the client secret included. */
  async replace(input: ProviderInput, by: Account, meta: RequestMeta): Promise<void> {
    const record: OidcProviderRecord = {
      enabled: input.enabled,
      issuerUrl: unset(input.issuer_url),
      jwksUrl: unset(input.jwks_url),
      audience: unset(input.audience),
      clientId: unset(input.client_id),
      clientSecretSealed: null,
      scopes: unset(input.scopes) === null ? null : withOpenid(unset(input.scopes)),
      updatedAt: this.kernel.clock.now(),
    };
    if (record.enabled && !record.issuerUrl) throw bad('oidc issuer_url is required when oidc is enabled');
    if (record.enabled && !record.clientId) throw bad('oidc client_id is required when oidc is enabled');
    checkUrl(record.issuerUrl, 'issuer_url');
    checkUrl(record.jwksUrl, 'jwks_url');
    const secret = unset(input.client_secret);
    if (secret) record.clientSecretSealed = this.kernel.secrets.seal(secret, CLIENT_SECRET_CONTEXT);
    const before = await this.oidc.getProvider();
    await this.oidc.putProvider(record);
    const secretChange = secret ? 'secret set' : before?.clientSecretSealed ? 'secret cleared' : 'no secret';
    await this.kernel.audit.record(meta, { accountId: by.id, level: 'info', module: 'auth:platform', message: `AUTH_OIDC_PROVIDER_UPSERT enabled=${record.enabled} (${secretChange})` });
  }

  /** The enabled provider, or 404 `oidc login is not enabled`. */
  async active(): Promise<ActiveProvider> {
    const row = await this.oidc.getProvider();
    if (!row?.enabled || !row.issuerUrl || !row.clientId) throw new GatehouseError('not_found', { message: 'oidc login is not enabled' });
    return {
      issuerUrl: row.issuerUrl,
      jwksUrl: row.jwksUrl,
      audience: row.audience,
      clientId: row.clientId,
      clientSecret: row.clientSecretSealed ? this.kernel.secrets.open(row.clientSecretSealed, CLIENT_SECRET_CONTEXT) : null,
      scopes: withOpenid(row.scopes),
      updatedAt: row.updatedAt,
    };
  }
}
