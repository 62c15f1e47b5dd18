/**
 * A peer for comparison: node-oidc-provider (a certified OpenID provider, in memory, opaque
 * tokens) with one confidential client doing client credentials (RFC 6749 §4.4) and token
 * introspection (RFC 7662), on 127.0.0.1:$PORT. Client id and secret come from the environment.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { serveUntilStopped } from './serve.js';

const provider = new Provider(`http://127.0.0.1:${process.env.PORT}`, {
  clients: [
    {
      client_id: process.env.PEER_CLIENT_ID,
      client_secret: process.env.PEER_CLIENT_SECRET,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  cookies: { keys: [randomBytes(32).toString('hex')] },
  // A token outlives any bench run; explicit lifetimes also keep the library from printing notices.
  ttl: { ClientCredentials: 86400, AccessToken: 3600, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60 },
  features: { clientCredentials: { enabled: true }, introspection: { enabled: true }, devInteractions: { enabled: false } },
});
serveUntilStopped(createServer(provider.callback()));
