import type { Command } from 'commander';
import * as admin from '../../generated/admin/sdk.gen.js';
import type { OAuth2Client } from '../../generated/admin/types.gen.js';
import { done, print } from './output.js';
import { adminClient, call, type RemoteOptions } from './remote.js';

const row = (c: OAuth2Client) => [c.client_id, c.name, c.redirect_uris, c.scopes, c.public ? 'public' : 'confidential', c.source];

/** gatehouse clients …: OAuth2 clients (configured ones read-only). */
export function clientCommands(program: Command, options: () => RemoteOptions): void {
  const clients = program.command('clients').description('OAuth2 clients of the authorization server');
  clients
    .command('list')
    .description('list clients (id, name, redirect URIs, scopes, kind, source)')
    .action(async () => {
      const list = await call(admin.adminListOauth2Clients({ client: adminClient(options()) }));
      print(options().json, list, () => list.items.map(row));
    });
  clients
    .command('create <client_id>')
    .description('register a client; prints its secret once (second line)')
    .requiredOption('--name <name>', 'shown on the consent page')
    .requiredOption('--redirect-uri <uri...>', 'absolute redirect URIs, matched exactly')
    .option('--scope <scope...>', 'scopes it may ask for')
    .option('--public', 'no secret; PKCE required')
    .option('--oidc', 'issue ID tokens when openid is granted')
    .action(async (clientId: string, o: { name: string; redirectUri: string[]; scope?: string[]; public?: boolean; oidc?: boolean }) => {
      const body = { client_id: clientId, name: o.name, redirect_uris: o.redirectUri, scopes: o.scope ?? [], public: o.public, oidc: o.oidc };
      const created = await call(admin.adminCreateOauth2Client({ client: adminClient(options()), body }));
      print(options().json, created, () => [row(created.client), [created.client_secret]]);
    });
  clients
    .command('update <client_id>')
    .description('change a registered client (a list replaces the old one)')
    .option('--name <name>')
    .option('--redirect-uri <uri...>')
    .option('--scope <scope...>')
    .action(async (clientId: string, o: { name?: string; redirectUri?: string[]; scope?: string[] }) => {
      const body = { ...(o.name ? { name: o.name } : {}), ...(o.redirectUri ? { redirect_uris: o.redirectUri } : {}), ...(o.scope ? { scopes: o.scope } : {}) };
      const updated = await call(admin.adminUpdateOauth2Client({ client: adminClient(options()), path: { client_id: clientId }, body }));
      print(options().json, updated, () => [row(updated)]);
    });
  clients
    .command('rotate-secret <client_id>')
    .description('a new secret (printed once); the old one stops working')
    .action(async (clientId: string) => {
      const rotated = await call(admin.adminRotateOauth2ClientSecret({ client: adminClient(options()), path: { client_id: clientId } }));
      print(options().json, rotated, () => [[rotated.client_secret]]);
    });
  clients
    .command('delete <client_id>')
    .description('delete a registered client and every grant and token it held')
    .action(async (clientId: string) => {
      await call(admin.adminDeleteOauth2Client({ client: adminClient(options()), path: { client_id: clientId } }));
      done(options().json, `deleted ${clientId}`);
    });
}
