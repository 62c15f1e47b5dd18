import { SIGNING_ALGS, type SigningAlg } from './model.js';
import { constantTimeEqual, sha256Hex } from '../../crypto.js';
import { ConfigError, type Config } from '../../config.js';
import type { OAuth2ClientRepository, StoredOAuth2Client } from '../ports.js';

type OAuth2Settings = Config['authenticators']['oauth2'];

/** The settings a client may override (simple-auth allows every `settings` key per client). */
export const OVERRIDABLE = [
  'codeExpiresSeconds',
  'tokenExpiresSeconds',
  'refreshExpiresSeconds',
  'allowAutoGrant',
  'reuseToken',
  'allowCredentials',
  'issueRefreshToken',
  'revokeOldTokens',
] as const;

export type ClientSettings = Pick<OAuth2Settings, (typeof OVERRIDABLE)[number]>;

export interface OAuth2Client {
  id: string;
  name: string;
  author: string;
  authorUrl: string;
  /** matched exactly (RFC 6749 §3.1.2.2; no prefix or wildcard matching: open redirector) */
  redirectUris: string[];
  scopes: string[];
  /** `sha256:<hex>` of the secret; undefined for public clients */
  secretHash: string | undefined;
  /** public clients cannot keep a secret: no secret, and PKCE is required (RFC 7636, RFC 8252) */
  public: boolean;
  /** issues ID tokens when `openid` is granted */
  oidc: boolean;
  /** the JWS algorithm of its ID tokens (`id_token_signed_response_alg`, OIDC Dynamic Registration §2): RS256 unless it says EdDSA */
  idTokenSignedResponseAlg: SigningAlg;
  settings: ClientSettings;
}

const KNOWN_KEYS = new Set<string>(['name', 'author', 'authorUrl', 'redirectUris', 'scopes', 'secretHash', 'public', 'oidc', 'idTokenSignedResponseAlg', ...OVERRIDABLE]);
const INT_LIMITS: Record<string, [number, number]> = {
  codeExpiresSeconds: [10, 600],
  tokenExpiresSeconds: [30, 86400],
  refreshExpiresSeconds: [60, 31536000],
};

/**
 * The clients: those in configuration, validated once at start-up (every problem reported at
 * once), and those an operator registered through the admin face, read from the store at every
 * use (so a change or a deletion holds on every instance at once). Configured ids win.
 */
export class ClientRegistry {
  readonly #clients: Map<string, OAuth2Client>;
  readonly #defaults: OAuth2Settings;

  constructor(
    settings: OAuth2Settings,
    private readonly stored: () => OAuth2ClientRepository,
  ) {
    this.#defaults = settings;
    const problems: string[] = [];
    this.#clients = new Map();
    const raw = settings.clients;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) problems.push('authenticators.oauth2.clients: expected a map of client_id to client');
    for (const [id, value] of Object.entries(raw ?? {})) {
      const client = parseClient(id, value, settings, problems);
      if (client) this.#clients.set(id, client);
    }
    if (problems.length) throw new ConfigError(problems);
  }

  async find(clientId: string): Promise<OAuth2Client | undefined> {
    const configured = this.#clients.get(clientId);
    if (configured) return configured;
    const stored = await this.stored().find(clientId);
    return stored ? registeredClient(stored, this.#defaults) : undefined;
  }

  isConfigured(clientId: string): boolean {
    return this.#clients.has(clientId);
  }

  /** The configured clients (the registered ones take the server's default settings). */
  all(): OAuth2Client[] {
    return [...this.#clients.values()];
  }

  /** Constant-time check of a presented secret against the stored hash. */
  static secretMatches(client: OAuth2Client, secret: string): boolean {
    if (!client.secretHash) return false;
    return constantTimeEqual(`sha256:${sha256Hex(secret)}`, client.secretHash);
  }
}

function parseClient(id: string, value: unknown, defaults: OAuth2Settings, problems: string[]): OAuth2Client | undefined {
  const where = `authenticators.oauth2.clients.${id}`;
  const before = problems.length;
  if (!/^[\w.~-]{1,191}$/.test(id)) problems.push(`${where}: client_id may only hold letters, digits and . _ ~ - (at most 191)`);
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${where}: expected an object`);
    return undefined;
  }
  const c = value as Record<string, unknown>;
  for (const key of Object.keys(c)) if (!KNOWN_KEYS.has(key)) problems.push(`${where}.${key}: unknown setting`);
  const str = (key: string, required: boolean): string => {
    const v = c[key];
    if (typeof v === 'string') return v;
    if (v !== undefined && v !== null) problems.push(`${where}.${key}: expected a string`);
    else if (required) problems.push(`${where}.${key}: required`);
    return '';
  };
  const list = (key: string): string[] => {
    const v = c[key] ?? [];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    problems.push(`${where}.${key}: expected a list of strings`);
    return [];
  };
  const isPublic = c.public === true;
  const name = str('name', true);
  const redirectUris = list('redirectUris');
  if (redirectUris.length === 0) problems.push(`${where}.redirectUris: at least one redirect URI is required`);
  for (const uri of redirectUris) {
    // RFC 6749 §3.1.2: absolute, no fragment.
    if (!URL.canParse(uri) || uri.includes('#')) problems.push(`${where}.redirectUris: not an absolute URI without fragment: ${JSON.stringify(uri)}`);
  }
  const scopes = list('scopes').map((s) => s.toLowerCase());
  const secretHash = str('secretHash', false) || undefined;
  if (isPublic && secretHash) problems.push(`${where}: a public client has no secret (remove secretHash or public)`);
  if (!isPublic && !secretHash) problems.push(`${where}.secretHash: required for confidential clients (or set public: true)`);
  if (secretHash && !/^sha256:[0-9a-f]{64}$/.test(secretHash)) problems.push(`${where}.secretHash: expected sha256:<64 lower-case hex digits>`);
  if (c.oidc !== undefined && typeof c.oidc !== 'boolean') problems.push(`${where}.oidc: expected true or false`);
  if (c.public !== undefined && typeof c.public !== 'boolean') problems.push(`${where}.public: expected true or false`);
  const idAlg = c.idTokenSignedResponseAlg ?? 'RS256';
  if (!(SIGNING_ALGS as readonly unknown[]).includes(idAlg)) problems.push(`${where}.idTokenSignedResponseAlg: expected ${SIGNING_ALGS.join(' or ')}`);
  const settings = { ...pickDefaults(defaults) } as Record<string, number | boolean>;
  for (const key of OVERRIDABLE) {
    if (c[key] === undefined) continue;
    const expected = typeof settings[key];
    const limits = INT_LIMITS[key];
    if (typeof c[key] !== expected) problems.push(`${where}.${key}: expected ${expected === 'number' ? 'an integer' : 'true or false'}`);
    else if (limits && (!Number.isInteger(c[key]) || (c[key] as number) < limits[0] || (c[key] as number) > limits[1])) problems.push(`${where}.${key}: outside ${limits[0]}..${limits[1]}`);
    else settings[key] = c[key] as number | boolean;
  }
  if (problems.length > before) return undefined;
  return {
    id,
    name,
    author: str('author', false),
    authorUrl: str('authorUrl', false),
    redirectUris,
    scopes,
    secretHash,
    public: isPublic,
    oidc: c.oidc === true,
    idTokenSignedResponseAlg: idAlg as SigningAlg,
    settings: settings as unknown as ClientSettings,
  };
}

/** A client the admin face registered: the server's settings, no per-client overrides. */
export function registeredClient(stored: StoredOAuth2Client, defaults: OAuth2Settings): OAuth2Client {
  return {
    id: stored.id,
    name: stored.name,
    author: '',
    authorUrl: '',
    redirectUris: stored.redirectUris,
    scopes: stored.scopes,
    secretHash: stored.secretHash ?? undefined,
    public: stored.public,
    oidc: stored.oidc,
    idTokenSignedResponseAlg: stored.idTokenSignedResponseAlg,
    settings: pickDefaults(defaults),
  };
}

function pickDefaults(settings: OAuth2Settings): ClientSettings {
  return Object.fromEntries(OVERRIDABLE.map((key) => [key, settings[key]])) as unknown as ClientSettings;
}
