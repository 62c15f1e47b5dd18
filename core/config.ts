import { SETTINGS, type Setting } from './config-schema.js';

export interface OktaSettings {
  enabled: boolean;
  /** undefined unless set (required when enabled) */
  issuer: string | undefined;
  clientId: string;
  /** empty: the client id */
  audience: string;
  /** undefined: the issuer's origin */
  baseUrl: string | undefined;
  /** role name → Okta group name */
  mapRoles: Record<string, string>;
  requestsPerMinute: number;
}

export interface Config {
  server: { host: string; port: number; publicUrl: string; trustProxy: string; tlsCertFile: string; tlsKeyFile: string; clientCertHeader: string; shutdownTimeoutSeconds: number };
  database: { url: string | undefined; sqlitePath: string; poolMax: number; acquireTimeoutMs: number; startupTimeoutSeconds: number; migrateOnStart: boolean; statementTimeoutMs: number };
  security: { masterKey: string | undefined; bcryptCost: number; hashingConcurrency: number; hashingQueue: number };
  cookies: { secure: 'auto' | 'true' | 'false'; domain: string; sessionName: string };
  sessions: { idleSeconds: number; absoluteSeconds: number };
  login: { landingPage: string; allowedContinueUrls: RegExp[]; maxFailuresPerUser: number; maxFailuresPerIp: number; maxFailuresPerClient: number; windowSeconds: number };
  accounts: {
    createEnabled: boolean;
    emailValidationRequired: boolean;
    /** username-existence checks per minute per address (0: no limit) */
    checksPerMinute: number;
    usernameRegex: RegExp;
    usernameMinLength: number;
    usernameMaxLength: number;
    passwordMinLength: number;
    passwordMaxLength: number;
  };
  twoFactor: { enabled: boolean; issuer: string; drift: number };
  onetime: { enabled: boolean; allowForgotPassword: boolean; tokenSeconds: number };
  sharedKey: { enabled: boolean; secret: string | undefined };
  authenticators: {
    simple: { enabled: boolean; sharedSecret: string | undefined };
    vouch: { enabled: boolean; userHeader: string };
    oauth2: {
      webgrant: boolean;
      codeExpiresSeconds: number;
      tokenExpiresSeconds: number;
      refreshExpiresSeconds: number;
      allowAutoGrant: boolean;
      reuseToken: boolean;
      allowCredentials: boolean;
      issueRefreshToken: boolean;
      revokeOldTokens: boolean;
      /** raw client map; validated by the OAuth2 module at start-up */
      clients: Record<string, unknown>;
    };
  };
  platform: { webSessionsEnabled: boolean; uiSessionCookie: string; requestsPerMinute: number };
  portal: { requestsPerMinute: number };
  credentials: { requestsPerMinute: number; tenant: string; kubeServerUrl: string | undefined; defaultClusterName: string; defaultKubeNamespace: string };
  mgmt: { okta: OktaSettings };
  mail: { smtpUrl: string | undefined; from: string };
  log: { level: 'debug' | 'info' | 'warn' | 'error' | 'silent' };
  metrics: { enabled: boolean };
}

/** All configuration problems at once, so one start-up attempt shows everything to fix. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Raw = Record<string, unknown>;

function lookup(file: Raw, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Raw)[part] : undefined), file);
}

function assign(target: Raw, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Raw;
  node[parts[parts.length - 1]!] = value;
}

function parseValue(setting: Setting, raw: unknown, source: string, problems: string[]): unknown {
  const where = `${setting.key} (${source})`;
  switch (setting.type) {
    case 'int': {
      const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
      if (!Number.isInteger(n)) return void problems.push(`${where}: expected an integer, got ${JSON.stringify(raw)}`);
      if ((setting.min !== undefined && n < setting.min) || (setting.max !== undefined && n > setting.max)) {
        return void problems.push(`${where}: ${n} is outside ${setting.min}..${setting.max}`);
      }
      return n;
    }
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(s)) return true;
      if (['false', '0', 'no', 'off'].includes(s)) return false;
      return void problems.push(`${where}: expected true or false, got ${JSON.stringify(raw)}`);
    }
    case 'list':
      if (Array.isArray(raw)) return raw.map(String);
      return String(raw)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'json': {
      if (raw && typeof raw === 'object') return raw;
      try {
        return JSON.parse(String(raw)) as unknown;
      } catch {
        return void problems.push(`${where}: not valid JSON`);
      }
    }
    case 'url': {
      const s = String(raw).trim().replace(/\/+$/, '');
      try {
        const url = new URL(s);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
        return s;
      } catch {
        return void problems.push(`${where}: not an http(s) URL: ${JSON.stringify(raw)}`);
      }
    }
    default:
      return String(raw);
  }
}

/** Anchored regular expression, as simple-auth's allowedcontinueurls are (^…$). */
function anchored(source: string, where: string, problems: string[]): RegExp | undefined {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch (error) {
    problems.push(`${where}: invalid regular expression ${JSON.stringify(source)}: ${(error as Error).message}`);
    return undefined;
  }
}

/**
 * Builds the configuration from defaults, then the YAML file's values, then environment variables
 * (each later source wins), and validates every section before returning.
 */
export function buildConfig(env: Record<string, string | undefined>, file: Raw = {}): Config {
  const problems: string[] = [];
  const out: Raw = {};
  const known = new Set<string>(SETTINGS.map((s) => s.key));
  for (const key of flattenKeys(file)) if (!known.has(key)) problems.push(`${key} (file): unknown setting`);

  for (const setting of SETTINGS as readonly Setting[]) {
    const fromEnv = env[setting.env];
    const fromFile = lookup(file, setting.key);
    let value: unknown = setting.type === 'json' ? JSON.parse(String(setting.default ?? 'null')) : setting.default;
    if (fromFile !== undefined && fromFile !== null) value = parseValue(setting, fromFile, 'file', problems);
    if (fromEnv !== undefined && fromEnv !== '') value = parseValue(setting, fromEnv, setting.env, problems);
    assign(out, setting.key, value);
  }

  const config = out as unknown as Config & { login: { allowedContinueUrls: unknown }; accounts: { usernameRegex: unknown } };
  config.login.allowedContinueUrls = ((out.login as Raw).allowedContinueUrls as string[])
    .map((s) => anchored(s, 'login.allowedContinueUrls', problems))
    .filter((r): r is RegExp => r !== undefined);
  config.accounts.usernameRegex = anchored(String((out.accounts as Raw).usernameRegex).replace(/^\^|\$$/g, ''), 'accounts.usernameRegex', problems) ?? /^$/;
  config.server.publicUrl ??= `http://${config.server.host}:${config.server.port}`;

  if (!['auto', 'true', 'false'].includes(config.cookies.secure)) problems.push('cookies.secure: expected auto, true or false');
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(config.log.level)) problems.push('log.level: expected debug, info, warn, error or silent');
  if (config.sessions.absoluteSeconds < config.sessions.idleSeconds) problems.push('sessions.absoluteSeconds must be at least sessions.idleSeconds');
  if (config.accounts.usernameMinLength > config.accounts.usernameMaxLength) problems.push('accounts.usernameMinLength exceeds accounts.usernameMaxLength');
  if (config.accounts.passwordMinLength > config.accounts.passwordMaxLength) problems.push('accounts.passwordMinLength exceeds accounts.passwordMaxLength');
  if (config.sharedKey.enabled && (config.sharedKey.secret ?? '').length < 16) problems.push('sharedKey.secret must be at least 16 characters when sharedKey.enabled');
  if (config.database.url && !/^mysql2?:\/\//.test(config.database.url)) problems.push('database.url: only mysql:// URLs are supported');
  if (config.database.url && !config.security.masterKey) problems.push('security.masterKey (GATEHOUSE_MASTER_KEY) is required with DATABASE_URL: every instance must share it');
  if (config.security.masterKey && Buffer.from(config.security.masterKey, 'base64').length !== 32) problems.push('security.masterKey must be 32 bytes, base64-encoded');
  checkOkta(config.mgmt.okta, problems);

  if (problems.length) throw new ConfigError(problems);
  return config;
}

/**
 * Okta login, when on, needs its issuer and client; the issuer's keys are fetched over https only
 * (http on loopback, for a local test issuer: RFC 8252 §8.3), so nobody on the path can swap them.
 */
function checkOkta(okta: OktaSettings, problems: string[]): void {
  const map: unknown = okta.mapRoles;
  const roleMap = map && typeof map === 'object' && !Array.isArray(map) ? Object.entries(map) : undefined;
  if (!roleMap || roleMap.some(([role, group]) => !/^[\w.:-]{1,64}$/.test(role) || typeof group !== 'string' || !group.trim())) {
    problems.push('mgmt.okta.mapRoles: expected a map of role name (letters, digits, . _ : -) to Okta group name');
  }
  if (!okta.enabled) return;
  if (!okta.issuer) problems.push('mgmt.okta.issuer (GATEHOUSE_OKTA_ISSUER) is required when mgmt.okta.enabled');
  if (!okta.clientId.trim()) problems.push('mgmt.okta.clientId (GATEHOUSE_OKTA_CLIENT_ID) is required when mgmt.okta.enabled');
  for (const [key, value] of [['issuer', okta.issuer], ['baseUrl', okta.baseUrl]] as const) {
    const url = value ? new URL(value) : undefined;
    if (url && url.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) problems.push(`mgmt.okta.${key}: must be an https URL (http only on loopback)`);
  }
}

/** Dotted keys of a config file; JSON-typed settings (maps such as the OAuth2 clients) are leaves. */
function flattenKeys(node: Raw, prefix = ''): string[] {
  const leaves = new Set<string>(SETTINGS.filter((s) => s.type === 'json').map((s) => s.key));
  return Object.entries(node).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) && !leaves.has(`${prefix}${k}`) ? flattenKeys(v as Raw, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}
