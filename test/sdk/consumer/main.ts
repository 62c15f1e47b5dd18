/**
 * A program another project would write against the installed @gatehouse/sdk package: strict
 * TypeScript, one subpath per face, compiled to JavaScript and run with plain node. It calls one
 * operation per face (two on credentials, to use the API token it mints) and prints what it got.
 * test/sdk/pack.test.ts installs the packed tarball into a scratch project and runs this there.
 */
import { adminListAccounts, connect as adminAt, type Account } from '@gatehouse/sdk/admin';
import { createCredentialsClient, createApiCredential, listApiCredentials, connect as credentialsAt, type ListResponseItem } from '@gatehouse/sdk/credentials';
import { getTokenInfo, connect as mgmtAt, type TokenInfo } from '@gatehouse/sdk/mgmt';
import { localLogin, connect as platformAt } from '@gatehouse/sdk/platform';
import { getReadiness, connect as opsAt } from '@gatehouse/sdk/ops';
import { initialLoad, connect as portalAt, type LoadUser } from '@gatehouse/sdk/portal';
import { listScimUsers, connect as scimAt } from '@gatehouse/sdk/scim';
import { basePath as simpleAuthBasePath, createAccount, connect as simpleAuthAt } from '@gatehouse/sdk/simple-auth';
import { getOpenidConfiguration, connect as wellKnownAt } from '@gatehouse/sdk/wellknown';

const [origin, sharedKey, scimToken, adminToken] = process.argv.slice(2);
if (!origin || !sharedKey || !scimToken || !adminToken) throw new Error('usage: node main.js <gatehouse origin> <simple-auth shared key> <SCIM token> <administrator token>');
const user = { username: 'sdk.user', email: 'sdk.user@example.com', password: 'sdk-user-password' };

// simple-auth: a back end (no browser, so no CSRF cookie) creates an account with the shared key.
const backend = simpleAuthAt(origin, { headers: { Authorization: `SharedKey ${sharedKey}` } });
const created = await createAccount({ client: backend, body: user, throwOnError: true });
const accountId: string = created.data.id;

// platform: the new account signs in with its password and gets a bearer token…
const login = await localLogin({ client: platformAt(origin), body: { username: user.username, password: user.password }, throwOnError: true });
const token: string = login.data.token;

// …which every face accepts: mgmt's token info and portal's initial load.
const info: TokenInfo = (await getTokenInfo({ client: mgmtAt(origin, { auth: token }), throwOnError: true })).data;
const me: LoadUser = (await initialLoad({ client: portalAt(origin, { auth: token }), throwOnError: true })).data.user;

// credentials: mint an API token with the bearer token, then call with the API token.
const baseUrl = `${origin}/api/web`;
const minted = await createApiCredential({
  client: createCredentialsClient({ baseUrl, bearerToken: token }),
  path: { namespace: 'system' },
  body: { name: 'sdk-token', namespace: 'system', expiration_days: 1, spec: { type: 'API_TOKEN' } },
  throwOnError: true,
});
const listed = await listApiCredentials({ client: createCredentialsClient({ baseUrl, apiToken: minted.data.data }), path: { namespace: 'system' }, throwOnError: true });
const items: ListResponseItem[] = listed.data.items;
// The pitfall the option exists for: the token given as a plain `auth` string is refused.
const plain = await listApiCredentials({ client: credentialsAt(origin, { auth: minted.data.data }), path: { namespace: 'system' } });

// scim: the identity provider's view of the same account (application/scim+json, parsed as JSON)
const provisioned = (await listScimUsers({ client: scimAt(origin, { auth: scimToken }), query: { filter: `userName eq "${user.username}"` }, throwOnError: true })).data;

// admin: an operator finds the account
const found: Account[] = (await adminListAccounts({ client: adminAt(origin, { auth: adminToken }), query: { q: user.username }, throwOnError: true })).data.items;

// discovery, and the readiness probe
const discovery = (await getOpenidConfiguration({ client: wellKnownAt(origin), throwOnError: true })).data;
const readiness = (await getReadiness({ client: opsAt(origin), throwOnError: true })).data;

console.log(
  JSON.stringify({
    simpleAuthBasePath,
    accountId,
    tokenInfo: { username: info.username, roles: info.roles },
    portal: { id: me.id, email: me.email },
    credentials: { minted: minted.data.name, tokenPrefix: minted.data.data.slice(0, 4), listed: items.map((i) => i.name), plainAuthStatus: plain.response?.status },
    scim: { total: provisioned.totalResults, id: provisioned.Resources[0]?.id },
    admin: found.map((a) => a.id),
    discovery: { issuer: discovery.issuer, jwks_uri: discovery.jwks_uri },
    readiness: readiness.status,
  }),
);
