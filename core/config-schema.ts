/**
 * Every setting Gatehouse reads: its place in the YAML file, its environment variable, its type
 * and default. The README's configuration table is this list.
 */
export type SettingType = 'string' | 'secret' | 'int' | 'bool' | 'list' | 'url' | 'json';

export interface Setting {
  readonly key: string;
  readonly env: string;
  readonly type: SettingType;
  readonly default?: string | number | boolean | readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly doc: string;
}

export const SETTINGS = [
  { key: 'server.host', env: 'HOST', type: 'string', default: '127.0.0.1', doc: 'Interface to listen on.' },
  { key: 'server.port', env: 'PORT', type: 'int', default: 8080, min: 0, max: 65535, doc: 'Port to listen on (0 picks a free one).' },
  { key: 'server.publicUrl', env: 'GATEHOUSE_PUBLIC_URL', type: 'url', doc: 'Public base URL (issuer, links in mail). Default: http://HOST:PORT.' },
  { key: 'server.trustProxy', env: 'GATEHOUSE_TRUST_PROXY', type: 'string', default: '', doc: 'Express "trust proxy" value (e.g. `loopback`, `10.0.0.0/8`). Empty: client addresses come from the socket only, X-Forwarded-For is ignored.' },
  { key: 'server.shutdownTimeoutSeconds', env: 'GATEHOUSE_SHUTDOWN_TIMEOUT_SECONDS', type: 'int', default: 10, min: 1, max: 3600, doc: 'On SIGTERM/SIGINT, how long requests in flight may take to finish before their connections are cut and the process exits (0).' },
  { key: 'database.url', env: 'DATABASE_URL', type: 'secret', doc: 'mysql://user:pass@host:3306/db. Empty: the embedded SQLite file.' },
  { key: 'database.sqlitePath', env: 'GATEHOUSE_SQLITE_PATH', type: 'string', default: 'data/gatehouse.sqlite', doc: 'SQLite file used when no DATABASE_URL is set.' },
  { key: 'database.poolMax', env: 'GATEHOUSE_DB_POOL_MAX', type: 'int', default: 10, min: 1, max: 200, doc: 'Connections per instance (MySQL).' },
  { key: 'database.acquireTimeoutMs', env: 'GATEHOUSE_DB_ACQUIRE_TIMEOUT_MS', type: 'int', default: 3000, min: 100, max: 60000, doc: 'How long a request waits for a connection before answering 503.' },
  { key: 'database.startupTimeoutSeconds', env: 'GATEHOUSE_DB_STARTUP_TIMEOUT_SECONDS', type: 'int', default: 60, min: 0, max: 86400, doc: 'How long start-up waits for the database to become reachable (retrying with backoff, one log line per attempt) before exiting 1; 0: wait forever.' },
  { key: 'database.migrateOnStart', env: 'GATEHOUSE_MIGRATE_ON_START', type: 'bool', default: true, doc: 'Apply pending migrations at start-up (one instance at a time, under a database lock). false: wait until `npm run migrate` has brought the schema up to date.' },
  { key: 'database.statementTimeoutMs', env: 'GATEHOUSE_DB_STATEMENT_TIMEOUT_MS', type: 'int', default: 5000, min: 100, max: 600000, doc: 'Longest a statement may run or wait for a lock (MySQL/MariaDB) before it is stopped and the request answers 503.' },
  { key: 'security.masterKey', env: 'GATEHOUSE_MASTER_KEY', type: 'secret', doc: '32 bytes, base64: encrypts TOTP secrets and private keys at rest. Required with DATABASE_URL; with SQLite a key file beside the database is created.' },
  { key: 'security.bcryptCost', env: 'GATEHOUSE_BCRYPT_COST', type: 'int', default: 10, min: 4, max: 15, doc: 'bcrypt cost for new password hashes.' },
  { key: 'cookies.secure', env: 'GATEHOUSE_COOKIE_SECURE', type: 'string', default: 'auto', doc: '`auto` (Secure when the request came over HTTPS), `true` or `false`.' },
  { key: 'cookies.domain', env: 'GATEHOUSE_COOKIE_DOMAIN', type: 'string', default: '', doc: 'Cookie Domain attribute (empty: host-only).' },
  { key: 'cookies.sessionName', env: 'GATEHOUSE_SESSION_COOKIE', type: 'string', default: 'auth', doc: 'Name of the simple-auth session cookie.' },
  { key: 'sessions.idleSeconds', env: 'GATEHOUSE_SESSION_IDLE_SECONDS', type: 'int', default: 1800, min: 60, max: 2592000, doc: 'A session unused this long ends.' },
  { key: 'sessions.absoluteSeconds', env: 'GATEHOUSE_SESSION_ABSOLUTE_SECONDS', type: 'int', default: 86400, min: 60, max: 31536000, doc: 'A session ends this long after login, used or not.' },
  { key: 'login.landingPage', env: 'GATEHOUSE_LANDING_PAGE', type: 'string', default: '/', doc: 'Where a login goes when no allowed `continue` URL is given. `/` is the built-in page: who is signed in, and a sign-out button.' },
  { key: 'login.allowedContinueUrls', env: 'GATEHOUSE_ALLOWED_CONTINUE_URLS', type: 'list', default: [], doc: 'Regular expressions (anchored with ^…$) a `continue` URL must match to be followed.' },
  { key: 'login.maxFailuresPerUser', env: 'GATEHOUSE_LOGIN_MAX_FAILURES_PER_USER', type: 'int', default: 5, min: 1, max: 1000, doc: 'Guesses per account within the window before 429: passwords, TOTP and mailed codes, over every identifier (username, e-mail) and face. A success gives its own guess back.' },
  { key: 'login.maxFailuresPerIp', env: 'GATEHOUSE_LOGIN_MAX_FAILURES_PER_IP', type: 'int', default: 20, min: 1, max: 100000, doc: 'Guesses per client address within the window before 429 (every secret: passwords, codes, client secrets).' },
  { key: 'login.maxFailuresPerClient', env: 'GATEHOUSE_LOGIN_MAX_FAILURES_PER_CLIENT', type: 'int', default: 50, min: 1, max: 100000, doc: 'Wrong OAuth2 client secrets per client id within the window before 429 (RFC 6749 §2.3.1), at the token, introspection and revocation endpoints.' },
  { key: 'login.windowSeconds', env: 'GATEHOUSE_LOGIN_WINDOW_SECONDS', type: 'int', default: 900, min: 10, max: 86400, doc: 'Guess-budget window: a spent budget is free again when its window ends.' },
  { key: 'accounts.createEnabled', env: 'GATEHOUSE_CREATE_ACCOUNT_ENABLED', type: 'bool', default: true, doc: 'POST /api/v1/account may create accounts.' },
  { key: 'accounts.emailValidationRequired', env: 'GATEHOUSE_EMAIL_VALIDATION_REQUIRED', type: 'bool', default: false, doc: 'New accounts get an email-verification stipulation and cannot log in until it is satisfied.' },
  { key: 'accounts.checksPerMinute', env: 'GATEHOUSE_USERNAME_CHECKS_PER_MINUTE', type: 'int', default: 30, min: 0, max: 100000, doc: 'Username-existence checks (POST /api/v1/account/check) per minute per client address before 429; 0: no limit. Shared by all instances.' },
  { key: 'accounts.usernameRegex', env: 'GATEHOUSE_USERNAME_REGEX', type: 'string', default: '^[a-z][a-z0-9._-]+$', doc: 'Usernames must match (after lower-casing).' },
  { key: 'accounts.usernameMinLength', env: 'GATEHOUSE_USERNAME_MIN', type: 'int', default: 3, min: 1, max: 64, doc: 'Shortest username.' },
  { key: 'accounts.usernameMaxLength', env: 'GATEHOUSE_USERNAME_MAX', type: 'int', default: 32, min: 1, max: 128, doc: 'Longest username.' },
  { key: 'accounts.passwordMinLength', env: 'GATEHOUSE_PASSWORD_MIN', type: 'int', default: 8, min: 1, max: 72, doc: 'Shortest password (characters).' },
  { key: 'accounts.passwordMaxLength', env: 'GATEHOUSE_PASSWORD_MAX', type: 'int', default: 72, min: 8, max: 72, doc: 'Longest password (bytes; bcrypt reads 72 at most).' },
  { key: 'twoFactor.enabled', env: 'GATEHOUSE_TOTP_ENABLED', type: 'bool', default: true, doc: 'Accounts may enrol TOTP (/api/v1/local/2fa).' },
  { key: 'twoFactor.issuer', env: 'GATEHOUSE_TOTP_ISSUER', type: 'string', default: 'Gatehouse', doc: 'Issuer shown by authenticator apps.' },
  { key: 'twoFactor.drift', env: 'GATEHOUSE_TOTP_DRIFT', type: 'int', default: 1, min: 0, max: 4, doc: 'Accepted 30-second steps before and after the current one.' },
  { key: 'onetime.enabled', env: 'GATEHOUSE_ONETIME_ENABLED', type: 'bool', default: true, doc: 'One-time login links are accepted.' },
  { key: 'onetime.allowForgotPassword', env: 'GATEHOUSE_FORGOT_PASSWORD_ENABLED', type: 'bool', default: false, doc: 'POST /api/v1/auth/onetime mails a one-time login link.' },
  { key: 'onetime.tokenSeconds', env: 'GATEHOUSE_ONETIME_SECONDS', type: 'int', default: 3600, min: 60, max: 604800, doc: 'Lifetime of a one-time login link.' },
  { key: 'sharedKey.enabled', env: 'GATEHOUSE_SHARED_KEY_ENABLED', type: 'bool', default: false, doc: 'Trusted back ends may call with `Authorization: SharedKey <secret>` (+ X-Account-UUID).' },
  { key: 'sharedKey.secret', env: 'GATEHOUSE_SHARED_KEY', type: 'secret', doc: 'The SharedKey secret (at least 16 characters; required when enabled).' },
  { key: 'authenticators.simple.enabled', env: 'GATEHOUSE_SIMPLE_AUTH_ENABLED', type: 'bool', default: false, doc: 'POST /api/v1/auth/simple answers (username/password check for other services).' },
  { key: 'authenticators.simple.sharedSecret', env: 'GATEHOUSE_SIMPLE_AUTH_SECRET', type: 'secret', doc: 'When set, /auth/simple callers must send `Authorization: Bearer <secret>`.' },
  { key: 'authenticators.vouch.enabled', env: 'GATEHOUSE_VOUCH_ENABLED', type: 'bool', default: false, doc: 'GET /api/v1/auth/vouch answers (forward auth for nginx auth_request / traefik).' },
  { key: 'authenticators.vouch.userHeader', env: 'GATEHOUSE_VOUCH_USER_HEADER', type: 'string', default: '', doc: 'Response header carrying the account id on a successful vouch (e.g. X-User-Id).' },
  { key: 'authenticators.oauth2.webgrant', env: 'GATEHOUSE_OAUTH2_WEBGRANT', type: 'bool', default: true, doc: 'POST /api/v1/auth/oauth2/grant (the consent page) may issue codes.' },
  { key: 'authenticators.oauth2.codeExpiresSeconds', env: 'GATEHOUSE_OAUTH2_CODE_SECONDS', type: 'int', default: 60, min: 10, max: 600, doc: 'Authorization code lifetime.' },
  { key: 'authenticators.oauth2.tokenExpiresSeconds', env: 'GATEHOUSE_OAUTH2_TOKEN_SECONDS', type: 'int', default: 3600, min: 30, max: 86400, doc: 'Access token lifetime.' },
  { key: 'authenticators.oauth2.refreshExpiresSeconds', env: 'GATEHOUSE_OAUTH2_REFRESH_SECONDS', type: 'int', default: 2592000, min: 60, max: 31536000, doc: 'Refresh token lifetime (each rotation starts it again).' },
  { key: 'authenticators.oauth2.allowAutoGrant', env: 'GATEHOUSE_OAUTH2_AUTO_GRANT', type: 'bool', default: true, doc: 'A client the account already granted the same scopes may skip the consent screen.' },
  { key: 'authenticators.oauth2.reuseToken', env: 'GATEHOUSE_OAUTH2_REUSE_TOKEN', type: 'bool', default: false, doc: 'Answer a grant with a still-valid access token of the same scopes instead of a new one.' },
  { key: 'authenticators.oauth2.allowCredentials', env: 'GATEHOUSE_OAUTH2_PASSWORD_GRANT', type: 'bool', default: false, doc: 'Allow the password grant (RFC 6749 §4.3).' },
  { key: 'authenticators.oauth2.issueRefreshToken', env: 'GATEHOUSE_OAUTH2_REFRESH_TOKENS', type: 'bool', default: true, doc: 'Issue refresh tokens.' },
  { key: 'authenticators.oauth2.revokeOldTokens', env: 'GATEHOUSE_OAUTH2_REVOKE_OLD', type: 'bool', default: false, doc: 'A new grant revokes the account\'s earlier tokens for the same client.' },
  { key: 'authenticators.oauth2.clients', env: 'GATEHOUSE_OAUTH2_CLIENTS', type: 'json', default: '{}', doc: 'OAuth2 clients by client_id (YAML map, or JSON in the variable): name, author, authorUrl, redirectUris, scopes, secretHash (`sha256:<hex>`), public, oidc, and per-client overrides of the settings above.' },
  { key: 'platform.webSessionsEnabled', env: 'GATEHOUSE_WEB_SESSIONS_ENABLED', type: 'bool', default: true, doc: 'Web UI sessions (`ui_session` cookie, OIDC browser login) are on; off: the session admin operations answer 503.' },
  { key: 'platform.uiSessionCookie', env: 'GATEHOUSE_UI_SESSION_COOKIE', type: 'string', default: 'ui_session', doc: 'Name of the web UI session cookie (platform face).' },
  { key: 'platform.requestsPerMinute', env: 'GATEHOUSE_PLATFORM_REQUESTS_PER_MINUTE', type: 'int', default: 60, min: 0, max: 100000, doc: 'Requests per minute per client address to the platform face\'s public operations (login, bootstrap, OIDC login) before 429; 0: no limit. Shared by all instances.' },
  { key: 'portal.requestsPerMinute', env: 'GATEHOUSE_PORTAL_REQUESTS_PER_MINUTE', type: 'int', default: 60, min: 0, max: 100000, doc: 'Requests per minute per client address to the portal face\'s public operations (login, codes, polling, reset) before 429; 0: no limit. Shared by all instances.' },
  { key: 'credentials.tenant', env: 'GATEHOUSE_TENANT', type: 'string', default: 'gatehouse', doc: 'Tenant name the credentials face reports (`system_metadata.tenant`) and puts in issued client certificates.' },
  { key: 'credentials.kubeServerUrl', env: 'GATEHOUSE_KUBE_SERVER_URL', type: 'url', doc: 'Kubernetes API server URL written into issued kubeconfigs. Default: the public URL.' },
  { key: 'credentials.defaultClusterName', env: 'GATEHOUSE_KUBE_DEFAULT_CLUSTER', type: 'string', default: 'gatehouse', doc: 'Cluster name of a kubeconfig created without `virtual_k8s_name`.' },
  { key: 'credentials.defaultKubeNamespace', env: 'GATEHOUSE_KUBE_DEFAULT_NAMESPACE', type: 'string', default: 'default', doc: 'Context namespace of a kubeconfig created without `virtual_k8s_namespace`.' },
  { key: 'mgmt.okta.enabled', env: 'GATEHOUSE_OKTA_ENABLED', type: 'bool', default: false, doc: 'The mgmt face\'s Okta login (POST /api/auth/okta/login, GET /api/auth/okta/signInConfig) answers; off: both answer 404.' },
  { key: 'mgmt.okta.issuer', env: 'GATEHOUSE_OKTA_ISSUER', type: 'url', doc: 'Okta authorization server that issues the ID tokens, exactly as their `iss` (e.g. https://example.okta.com/oauth2/default); its discovery document names the key set. Required when enabled.' },
  { key: 'mgmt.okta.clientId', env: 'GATEHOUSE_OKTA_CLIENT_ID', type: 'string', default: '', doc: 'Client id of the Okta application the Sign-In widget uses. Required when enabled.' },
  { key: 'mgmt.okta.audience', env: 'GATEHOUSE_OKTA_AUDIENCE', type: 'string', default: '', doc: 'The `aud` an ID token must contain. Empty: the client id.' },
  { key: 'mgmt.okta.baseUrl', env: 'GATEHOUSE_OKTA_BASE_URL', type: 'url', doc: 'Okta organization URL the Sign-In widget talks to. Default: the issuer\'s origin.' },
  { key: 'mgmt.okta.mapRoles', env: 'GATEHOUSE_OKTA_MAP_ROLES', type: 'json', default: '{}', doc: 'Role name → Okta group name (YAML map, or JSON in the variable), e.g. `{"admin":"croit-admins","viewer":"croit-viewers"}`: an ID token whose `groups` claim holds the group gets the role.' },
  { key: 'mgmt.okta.requestsPerMinute', env: 'GATEHOUSE_OKTA_REQUESTS_PER_MINUTE', type: 'int', default: 60, min: 0, max: 100000, doc: 'Okta logins per minute per client address before 429; 0: no limit. Shared by all instances.' },
  { key: 'credentials.requestsPerMinute', env: 'GATEHOUSE_CREDENTIALS_REQUESTS_PER_MINUTE', type: 'int', default: 600, min: 0, max: 100000, doc: 'Requests per minute per client address to the credentials face before 429 (RESOURCE_EXHAUSTED); 0: no limit. Shared by all instances.' },
  { key: 'mail.smtpUrl', env: 'SMTP_URL', type: 'secret', doc: 'smtp://user:pass@host:587. Empty: mail goes to the log and the mail_outbox table.' },
  { key: 'mail.from', env: 'GATEHOUSE_MAIL_FROM', type: 'string', default: 'Gatehouse <no-reply@localhost>', doc: 'From address of outgoing mail.' },
  { key: 'log.level', env: 'GATEHOUSE_LOG_LEVEL', type: 'string', default: 'info', doc: '`debug`, `info`, `warn`, `error` or `silent`.' },
  { key: 'metrics.enabled', env: 'GATEHOUSE_METRICS_ENABLED', type: 'bool', default: true, doc: 'Serve Prometheus metrics at GET /metrics (unauthenticated: expose it only to the scraper\'s network). Off: /metrics answers 404.' },
] as const satisfies readonly Setting[];
