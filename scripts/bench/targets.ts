/**
 * What the bench measures. Each target names the server it loads, the requests it sends (built
 * from the set-up's accounts and tokens), what a correct answer looks like (checked once before
 * and once after each measurement, so a 200 that says "inactive" cannot pass for the hot path),
 * and the goal from the "hot paths at the speed of the platform" issue.
 */
import { RELYING_PARTY, type GatehouseFixtures } from './gatehouse-setup.js';
import { basicAuth } from './http.js';
import type { HttpRequest } from './load-types.js';

export type Database = 'sqlite' | 'mariadb';
export type ServerKey = 'node-http' | 'express' | Database | 'oidc' | `floor-${Database}`;

export type Goal =
  | { kind: 'none' }
  | { kind: 'reference' }
  /** req/s at least `min` × bare Express's */
  | { kind: 'vs-express'; min: number }
  /** logins/s at least `share` × hashing-pool size / hash time */
  | { kind: 'logins'; share: number }
  /** req/s at least `ratio` × the same target alone, p99 at most `p99` × alone's */
  | { kind: 'storm'; alone: string; ratio: number; p99: number };

export interface Peer {
  clientId: string;
  clientSecret: string;
}

export interface Fixtures {
  gatehouse: Partial<Record<Database, GatehouseFixtures>>;
  peer?: Peer;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface Target {
  id: string;
  label: string;
  server: ServerKey;
  goal: Goal;
  /** the requests of this round (fresh tokens where the server forgets them) */
  requests(fixtures: Fixtures, origin: string): Promise<HttpRequest[]>;
  /** why an answer is not the one measured, or undefined when it is */
  wrong(answer: Answer): string | undefined;
  /** background wrong-password logins while this target is measured */
  storm?: (fixtures: Fixtures) => HttpRequest[];
}

export const DB_LABEL: Record<Database, string> = { sqlite: 'SQLite', mariadb: 'MariaDB' };
const field = (body: unknown, name: string): unknown => (body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined);
const fixturesOf = (f: Fixtures, db: Database): GatehouseFixtures => f.gatehouse[db] ?? (() => { throw new Error(`no set-up for Gatehouse on ${db}`); })();

const hello: Pick<Target, 'requests' | 'wrong' | 'goal'> = {
  goal: { kind: 'none' },
  requests: async () => [{ method: 'GET', path: '/' }],
  wrong: (a) => (field(a.body, 'success') === true ? undefined : 'no {"success":true}'),
};

function vouch(db: Database): Pick<Target, 'requests' | 'wrong'> {
  return {
    requests: async (f) => [{ method: 'GET', path: '/api/v1/auth/vouch', headers: { cookie: `auth=${fixturesOf(f, db).session}` } }],
    wrong: (a) => (a.headers.get('x-user-id') ? undefined : 'no X-User-Id header'),
  };
}

function tokenInfo(db: Database): Pick<Target, 'requests' | 'wrong'> {
  return {
    requests: async (f) => [
      {
        method: 'POST',
        path: '/api/v1/auth/oauth2/token_info',
        headers: { authorization: basicAuth(RELYING_PARTY.id, RELYING_PARTY.secret), 'content-type': 'application/json' },
        body: JSON.stringify({ token: fixturesOf(f, db).rpAccessToken }),
      },
    ],
    wrong: (a) => (field(a.body, 'active') === true ? undefined : 'token not active'),
  };
}

function storm(db: Database): (f: Fixtures) => HttpRequest[] {
  return (f) =>
    fixturesOf(f, db).stormUsers.map((user) => ({
      method: 'POST',
      path: '/api/auth/login',
      headers: { authorization: basicAuth(user, 'not-the-password'), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    }));
}

function gatehouseTargets(db: Database): Target[] {
  const on = (name: string) => `${name}:${db}`;
  const label = (what: string) => `${what} · ${DB_LABEL[db]}`;
  return [
    // The floor under vouch on this store (scripts/bench/floor-vouch.ts): its ratio is as far as
    // any framework on the same lookup could go.
    { id: on('floor'), label: label('floor: node:http + session lookup'), server: `floor-${db}`, goal: { kind: 'none' }, ...vouch(db) },
    { id: on('vouch'), label: label('vouch'), server: db, goal: { kind: 'vs-express', min: db === 'sqlite' ? 2.0 : 1.0 }, ...vouch(db) },
    { id: on('token-info'), label: label('token_info'), server: db, goal: { kind: 'vs-express', min: 0.8 }, ...tokenInfo(db) },
    {
      id: on('mgmt-token-info'),
      label: label('mgmt token-info'),
      server: db,
      goal: { kind: 'vs-express', min: 0.8 },
      requests: async (f) => [{ method: 'GET', path: '/api/auth/token-info', headers: { authorization: `Bearer ${fixturesOf(f, db).mgmtToken}` } }],
      wrong: (a) => (field(a.body, 'username') === 'bench' ? undefined : 'not the bench account'),
    },
    {
      id: on('api-tokens'),
      label: label('API-token list'),
      server: db,
      goal: { kind: 'vs-express', min: 0.5 },
      requests: async (f) => [{ method: 'GET', path: '/api/web/namespaces/system/api_credentials', headers: { authorization: `APIToken ${fixturesOf(f, db).apiToken}` } }],
      wrong: (a) => (Array.isArray(field(a.body, 'items')) && (field(a.body, 'items') as unknown[]).length >= 1 ? undefined : 'no items'),
    },
    { id: on('vouch-storm'), label: label('vouch in a login storm'), server: db, goal: { kind: 'storm', alone: on('vouch'), ratio: 0.5, p99: 5 }, ...vouch(db), storm: storm(db) },
    { id: on('token-info-storm'), label: label('token_info in a login storm'), server: db, goal: { kind: 'storm', alone: on('token-info'), ratio: 0.5, p99: 5 }, ...tokenInfo(db), storm: storm(db) },
    {
      id: on('logins'),
      label: label('password logins (mgmt)'),
      server: db,
      goal: { kind: 'logins', share: 0.8 },
      requests: async (f) => {
        const { username, password } = fixturesOf(f, db).login;
        return [{ method: 'POST', path: '/api/auth/login', headers: { authorization: basicAuth(username, password), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' }];
      },
      wrong: (a) => (typeof field(a.body, 'access_token') === 'string' ? undefined : 'no access_token'),
    },
  ];
}

const peerAuth = (f: Fixtures) => (f.peer ? basicAuth(f.peer.clientId, f.peer.clientSecret) : '');
const FORM = 'application/x-www-form-urlencoded';

/** A fresh token per round: the peer keeps tokens in an LRU of 1000, which the client-credentials target floods. */
async function peerToken(f: Fixtures, origin: string): Promise<string> {
  const response = await fetch(`${origin}/token`, { method: 'POST', headers: { authorization: peerAuth(f), 'content-type': FORM }, body: 'grant_type=client_credentials' });
  const token = field(await response.json(), 'access_token');
  if (typeof token !== 'string') throw new Error(`oidc-provider issued no token (${response.status})`);
  return token;
}

export const TARGETS: readonly Target[] = [
  { id: 'node-http', label: 'bare node:http', server: 'node-http', ...hello },
  { id: 'express', label: 'bare Express 5', server: 'express', ...hello, goal: { kind: 'reference' } },
  ...gatehouseTargets('sqlite'),
  ...gatehouseTargets('mariadb'),
  {
    id: 'oidc-cc',
    label: 'oidc-provider client credentials',
    server: 'oidc',
    goal: { kind: 'none' },
    requests: async (f) => [{ method: 'POST', path: '/token', headers: { authorization: peerAuth(f), 'content-type': FORM }, body: 'grant_type=client_credentials' }],
    wrong: (a) => (typeof field(a.body, 'access_token') === 'string' ? undefined : 'no access_token'),
  },
  {
    id: 'oidc-introspect',
    label: 'oidc-provider introspection',
    server: 'oidc',
    goal: { kind: 'none' },
    requests: async (f, origin) => [{ method: 'POST', path: '/token/introspection', headers: { authorization: peerAuth(f), 'content-type': FORM }, body: `token=${await peerToken(f, origin)}` }],
    wrong: (a) => (field(a.body, 'active') === true ? undefined : 'token not active'),
  },
];

/**
 * The targets `--only` selects (every one without it), in run order, with what their figures
 * depend on: bare Express (every ratio) and, for a storm target, the same target alone.
 */
export function selectTargets(only: string[] | undefined): Target[] {
  if (!only) return [...TARGETS];
  const matches = (t: Target, s: string) => t.id === s || t.id.startsWith(s) || t.id.split(':')[1] === s;
  for (const s of only) if (!TARGETS.some((t) => matches(t, s))) throw new Error(`--only: "${s}" selects no target; targets: ${TARGETS.map((t) => t.id).join(', ')}`);
  const wanted = new Set(TARGETS.filter((t) => only.some((s) => matches(t, s))).map((t) => t.id));
  wanted.add('express');
  for (const t of TARGETS) if (wanted.has(t.id) && t.goal.kind === 'storm') wanted.add(t.goal.alone);
  return TARGETS.filter((t) => wanted.has(t.id));
}
